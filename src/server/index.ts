export * from './api-types.js';
export { ApiError } from './api-error.js';
export { createApp, type AppOptions } from './create-app.js';
export { JobQueue, type QueueTicket } from './job-queue.js';
export { RunCatalogue } from './run-catalogue.js';
export { RunIndex } from './run-index.js';
export { SolveService, type SolveServiceOptions, type QueueLimits } from './solve-service.js';
export { startServer, isLoopback, type ServerOptions, type RunningServer } from './start-server.js';
