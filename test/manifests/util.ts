import { InvalidManifestsError } from '../../src/manifests/problem';

/** The message of the InvalidManifestsError that `f` throws; fails the test if it throws nothing or something else. */
export function manifestErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidManifestsError);
    return (e as Error).message;
  }
  throw new Error('expected an InvalidManifestsError');
}
