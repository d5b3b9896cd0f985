// Small DOM helpers. Nothing is ever parsed as HTML: text goes in as text nodes, markup comes
// from the <template> elements of index.html.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
}

/** The element of `root` named by `data-ref="name"` (the page templates name their parts so). */
export function ref<T extends HTMLElement = HTMLElement>(root: ParentNode, name: string): T {
  const el = root.querySelector(`[data-ref="${name}"]`);
  if (!el) throw new Error(`[data-ref=${name}] is missing`);
  return el as T;
}

/** A copy of `<template id="tpl-NAME">`'s content. */
export function fromTemplate(name: string): DocumentFragment {
  const tpl = document.getElementById(`tpl-${name}`);
  if (!(tpl instanceof HTMLTemplateElement)) throw new Error(`template ${name} is missing`);
  return tpl.content.cloneNode(true) as DocumentFragment;
}

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** An element with attributes (false/null/undefined leave one out, true sets it empty) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function onSubmit(form: HTMLFormElement, handler: (submitter: HTMLButtonElement | null) => void | Promise<void>): void {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const submitter = (e as SubmitEvent).submitter;
    void handler(submitter instanceof HTMLButtonElement ? submitter : null);
  });
}

export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');

/** Calls `fn` once typing pauses for `ms`. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
