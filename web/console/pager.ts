// Paging through a list with the API's cursors: "Next page" follows `nextCursor`, "Previous
// page" goes back through the cursors already seen. Only the newest request's answer is shown,
// so a slow answer to an earlier search never overwrites a later one.
import type { Page } from './types.js';

export interface PagerParts { prev: HTMLButtonElement; next: HTMLButtonElement; label: HTMLElement }

export class Pager<T> {
  #cursors: (string | undefined)[] = [undefined];
  #nextCursor: string | null = null;
  #seq = 0;

  constructor(
    private readonly parts: PagerParts,
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
    private readonly show: (items: T[], pageNo: number) => void,
    private readonly fail: (err: unknown) => void,
  ) {
    parts.prev.addEventListener('click', () => {
      if (this.#cursors.length > 1) this.#cursors.pop();
      void this.reload();
    });
    parts.next.addEventListener('click', () => {
      if (this.#nextCursor === null) return;
      this.#cursors.push(this.#nextCursor);
      void this.reload();
    });
  }

  /** Back to the first page (a new search). */
  first(): Promise<void> {
    this.#cursors = [undefined];
    return this.reload();
  }

  async reload(): Promise<void> {
    const seq = ++this.#seq;
    const pageNo = this.#cursors.length;
    try {
      const page = await this.fetchPage(this.#cursors[pageNo - 1]);
      if (seq !== this.#seq) return;
      this.#nextCursor = page.nextCursor;
      this.show(page.items, pageNo);
      this.#update(pageNo);
    } catch (err) {
      if (seq === this.#seq) this.fail(err);
    }
  }

  /** Nothing to page through (e.g. the search is incomplete). */
  clear(): void {
    this.#seq++;
    this.#cursors = [undefined];
    this.#nextCursor = null;
    this.#update(1);
  }

  #update(pageNo: number): void {
    this.parts.prev.disabled = pageNo <= 1;
    this.parts.next.disabled = this.#nextCursor === null;
    this.parts.label.textContent = `Page ${pageNo}`;
  }
}
