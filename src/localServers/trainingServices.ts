/**
 * The training-side services of the local Vertex server, as `extraModules` for
 * `startVertexServer`: PipelineService, JobService (data labeling), SpecialistPoolService and
 * ModelService over one TrainingStore. The store is created with the server's context on first
 * use; `store()` reaches it afterwards (tests, demo seeding, fault injection).
 */
import type { DatasetStore } from './datasetService';
import type { ServerContext, ServiceModule } from './state';
import type { TrainingDurations } from './trainingState';
import { TrainingStore } from './trainingState';
import { pipelineServiceModule } from './pipelineService';
import { modelServiceModule } from './modelService';
import { jobServiceModule, specialistPoolServiceModule } from './labelingService';

export interface TrainingServices {
  modules: ServiceModule[];
  store(): TrainingStore;
}

export function trainingServices(datasets: () => DatasetStore, durations: Partial<TrainingDurations> = {}): TrainingServices {
  let store: TrainingStore | undefined;
  let context: ServerContext | undefined;
  const get = () => {
    if (!store) throw new Error('the training services have not been added to a started server yet');
    return store;
  };
  const bind = (m: ServiceModule): ServiceModule => ({
    service: m.service,
    handlers: (ctx) => {
      if (!store || context !== ctx) {
        context = ctx;
        store = new TrainingStore(ctx, datasets, durations);
      }
      return m.handlers(ctx);
    },
  });
  return {
    modules: [pipelineServiceModule(get), jobServiceModule(get), specialistPoolServiceModule(get), modelServiceModule(get)].map(bind),
    store: get,
  };
}
