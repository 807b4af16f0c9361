/**
 * Loads the gRPC service definitions for the local servers from the `.proto` files shipped
 * inside `@google-cloud/aiplatform` and `google-gax`, so the local servers speak exactly the
 * wire protocol the real SDK clients speak. Also exposes a protobufjs root over the same files
 * to pack `google.protobuf.Any` (operation metadata and responses).
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import type * as protobuf from 'protobufjs';

export interface ProtoBundle {
  grpc: typeof grpc;
  /** The loaded package tree: `pkg.google.cloud.aiplatform.v1.DatasetService.service` etc. */
  pkg: grpc.GrpcObject;
  root: protobuf.Root;
  includeDirs: string[];
}

function packageDir(name: string): string {
  // Some packages do not export `package.json`: resolve the entry point and walk up to the package root.
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) !== name.split('/').pop()) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot locate the ${name} package folder`);
    dir = up;
  }
  return dir;
}

export function protoIncludeDirs(): string[] {
  return [path.join(packageDir('@google-cloud/aiplatform'), 'build', 'protos'), path.join(packageDir('google-gax'), 'build', 'protos')];
}

/** Files that define every service a local server implements; extra services (issue 8) add theirs here. */
export const SERVICE_PROTOS = [
  'google/cloud/aiplatform/v1/dataset_service.proto',
  'google/cloud/aiplatform/v1/job_service.proto',
  'google/cloud/aiplatform/v1/pipeline_service.proto',
  'google/cloud/aiplatform/v1/model_service.proto',
  'google/cloud/aiplatform/v1/specialist_pool_service.proto',
  'google/longrunning/operations.proto',
];

let cached: ProtoBundle | undefined;

export function loadProtos(): ProtoBundle {
  if (cached) return cached;
  // Lazy: these packages are external to the bundle and only needed when a local server starts.
  const grpcJs = require('@grpc/grpc-js') as typeof grpc;
  const loader = require('@grpc/proto-loader') as typeof protoLoader;
  const pb = require('protobufjs') as typeof protobuf;
  const includeDirs = protoIncludeDirs();
  const files = SERVICE_PROTOS.filter((f) => includeDirs.some((d) => fs.existsSync(path.join(d, f))));
  const def = loader.loadSync(files, { includeDirs, keepCase: false, longs: String, enums: String, defaults: false, oneofs: true });
  const pkg = grpcJs.loadPackageDefinition(def);
  const root = new pb.Root();
  root.resolvePath = (_origin, target) => {
    for (const d of includeDirs) {
      const p = path.join(d, target);
      if (fs.existsSync(p)) return p;
    }
    return target;
  };
  root.loadSync(files, { keepCase: false });
  root.resolveAll();
  cached = { grpc: grpcJs, pkg, root, includeDirs };
  return cached;
}

/** Looks up a service definition by its full name, e.g. `google.cloud.aiplatform.v1.DatasetService`. */
export function serviceDefinition(bundle: ProtoBundle, fullName: string): grpc.ServiceDefinition {
  let node: unknown = bundle.pkg;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown>)[part];
  const ctor = node as { service?: grpc.ServiceDefinition } | undefined;
  if (!ctor?.service) throw new Error(`service ${fullName} not found in the loaded protos`);
  return ctor.service;
}

/** Packs a plain (camelCase) object as `google.protobuf.Any` of the given full type name. */
export function packAny(bundle: ProtoBundle, typeName: string, value: object): { typeUrl: string; value: Buffer } {
  const type = bundle.root.lookupType(typeName);
  const message = type.fromObject(value);
  return { typeUrl: `type.googleapis.com/${typeName}`, value: Buffer.from(type.encode(message).finish()) };
}
