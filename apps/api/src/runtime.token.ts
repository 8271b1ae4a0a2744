/** Nest injection token of the process `Runtime` (libs/runtime). */
export const RUNTIME = Symbol('OARS_RUNTIME');
