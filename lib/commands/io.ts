/** Where a command writes its report: standard output and standard error, one line at a time. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}
