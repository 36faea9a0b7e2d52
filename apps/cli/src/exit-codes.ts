/** Process exit codes of `odeon`: 0 success, 1 failure (bad model, solver error, I/O), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
