/**
 * One timer for the whole engine: a min-heap of due times keyed by an id, and a single
 * setTimeout armed for the earliest one. Node caps setTimeout at about 24.8 days, so a far due
 * time is reached in hops of at most an hour. Re-scheduling a key replaces its due time; stale
 * heap entries are skipped when they surface.
 */
const MAX_HOP_MS = 60 * 60 * 1000;

interface Entry {
  due: number;
  key: string;
}

export class Scheduler {
  private readonly heap: Entry[] = [];
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  constructor(
    private readonly onDue: (key: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  schedule(key: string, dueMs: number): void {
    this.due.set(key, dueMs);
    this.push({ due: dueMs, key });
    if (dueMs < this.armedFor) this.arm();
  }

  cancel(key: string): void {
    this.due.delete(key);
  }

  get size(): number {
    return this.due.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    const next = this.peekLive();
    if (!next) return;
    this.armedFor = next.due;
    const delay = Math.min(Math.max(next.due - this.now(), 0), MAX_HOP_MS);
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    for (let next = this.peekLive(); next && next.due <= now && !this.stopped; next = this.peekLive()) {
      this.pop();
      this.due.delete(next.key);
      this.onDue(next.key);
    }
    this.arm();
  }

  private peekLive(): Entry | undefined {
    for (let top = this.heap[0]; top; top = this.heap[0]) {
      if (this.due.get(top.key) === top.due) return top;
      this.pop();
    }
    return undefined;
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.due <= heap[i]!.due) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.due < heap[smallest]!.due) smallest = left;
      if (right < heap.length && heap[right]!.due < heap[smallest]!.due) smallest = right;
      if (smallest === i) break;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
}
