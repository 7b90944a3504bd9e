/**
 * Buffered output for large results: text is handed to `io.stdout` in chunks of about 64 KiB, so no command ever
 * builds its whole output (quadratic in the pods for matrices) as one string.
 */
import { CliIo } from './io';

export class OutputStream {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly io: CliIo, private readonly chunk = 1 << 16) {}

  public write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunk) this.flush();
  }

  public line(text: string): void {
    this.write(text + '\n');
  }

  public flush(): void {
    if (this.parts.length === 0) return;
    this.io.stdout(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
