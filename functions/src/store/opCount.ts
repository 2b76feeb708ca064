/**
 * Counts Firestore reads and writes made for one unit of work (one image), so the cost per
 * image is recorded on the image itself and measured by the benchmark, not guessed.
 */
export class OpCount {
  reads = 0;
  writes = 0;
  read(n = 1): void {
    this.reads += n;
  }
  write(n = 1): void {
    this.writes += n;
  }
}
