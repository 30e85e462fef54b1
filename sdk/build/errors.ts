// The error `outpost build` throws for problems in the user's project (a bundling error, an exception
// while initialising the app, a refused component): the message is complete and needs no stack trace.

export type BuildErrorStep = "bundle" | "initialize" | "componentize" | "validate" | "input";

export class BuildError extends Error {
  readonly step: BuildErrorStep;
  constructor(step: BuildErrorStep, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BuildError";
    this.step = step;
  }
}
