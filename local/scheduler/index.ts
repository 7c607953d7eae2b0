export { LocalClock } from './clock.js';
export { scheduledEvent } from './scheduled-event.js';
export { startLocalScheduler, type LocalScheduler, type ScheduleInvoker } from './scheduler.js';
export { clockRoutes } from './clock-routes.js';
