/**
 * How serious a lint finding is.
 *
 * `ERROR` findings fail synthesis and (by default) the `lint` command; `WARNING` findings fail only with
 * `--fail-on warning`; `INFO` findings never fail anything.
 */
export enum LintSeverity {
  /** The policies do not do what they were written for: traffic is broken or wide open. */
  ERROR = 'error',
  /** Probably a mistake, or a rule that allows much more than it seems to. */
  WARNING = 'warning',
  /** Harmless but worth cleaning up. */
  INFO = 'info',
}
