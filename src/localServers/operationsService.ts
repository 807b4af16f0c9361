/** google.longrunning.Operations over the shared OperationStore: what the SDK polls, cancels and waits on. */
import type * as grpc from '@grpc/grpc-js';
import type { ServerContext, ServiceModule } from './state';
import { Code, RpcError, page, unary } from './state';

function name(request: Record<string, unknown>): string {
  const n = request.name;
  if (typeof n !== 'string' || !n) throw new RpcError(Code.INVALID_ARGUMENT, 'Required field name is missing.');
  return n;
}

export function operationsService(ctx: ServerContext): grpc.UntypedServiceImplementation {
  const ops = ctx.operations;
  const find = (n: string) => {
    const op = ops.get(n);
    if (!op) throw new RpcError(Code.NOT_FOUND, `Operation ${n} not found.`);
    return op;
  };
  return {
    GetOperation: unary(ctx, 'GetOperation', ({ request }) => ops.toProto(find(name(request)))),
    ListOperations: unary(ctx, 'ListOperations', ({ request }) => {
      const all = ops.list(`${name(request)}/operations/`);
      const p = page(all, request.pageSize as number | undefined, request.pageToken as string | undefined);
      return { operations: p.items.map((o) => ops.toProto(o)), nextPageToken: p.nextPageToken };
    }),
    CancelOperation: unary(ctx, 'CancelOperation', ({ request }) => {
      if (!ops.cancel(name(request))) throw new RpcError(Code.NOT_FOUND, `Operation ${name(request)} not found.`);
      return {};
    }),
    DeleteOperation: unary(ctx, 'DeleteOperation', ({ request }) => {
      if (!ops.delete(name(request))) throw new RpcError(Code.NOT_FOUND, `Operation ${name(request)} not found.`);
      return {};
    }),
    // Waits on real time for at most `timeout` (default 10 s): with a manual clock it returns the current state.
    WaitOperation: unary(ctx, 'WaitOperation', async ({ request }) => {
      const n = name(request);
      const t = request.timeout as { seconds?: string; nanos?: number } | undefined;
      const deadline = Date.now() + (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 10000);
      let op = find(n);
      while (!op.done && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, op.doneAt - ctx.clock.now()))));
        op = find(n);
      }
      return ops.toProto(op);
    }),
  };
}

export const operationsServiceModule: ServiceModule = { service: 'google.longrunning.Operations', handlers: operationsService };
