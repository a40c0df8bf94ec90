export type { SimulatorOptions } from './options.ts';
export type { Profile } from './profile.ts';
export type { Simulator, StartedSimulator } from './simulator.ts';
export { createSimulator, startSimulator } from './simulator.ts';
export type { ScimRecord } from './store.ts';
