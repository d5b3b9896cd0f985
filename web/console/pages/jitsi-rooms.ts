// The rooms a Jitsi integration issued conference IDs for, page by page, each ID resettable
// like any other (refused at once; the room's next lookup in Jitsi Meet gets a new one).
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { dateTime, h, ref } from '../dom.js';
import { inWords } from '../errors.js';
import { act, say } from '../feedback.js';
import { Pager } from '../pager.js';
import type { JitsiIntegration, MapperRoom } from '../types.js';

const PAGE_SIZE = 25;

export interface RoomsPanel {
  open(i: JitsiIntegration): void;
  /** Hides the panel if it shows this integration's rooms (it was deleted). */
  close(integrationId: string): void;
}

export function wireRooms(ctx: Ctx, view: HTMLElement): RoomsPanel {
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(view, name);
  let integration: JitsiIntegration | null = null;

  const showRows = (rooms: MapperRoom[]) => {
    r('room-rows').replaceChildren(...rooms.map((room) => roomRow(room, reset, ctx.canWrite)));
    if (!rooms.length) r('room-rows').append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No room has asked for a conference ID yet.')));
  };
  const pager = new Pager<MapperRoom>(
    { prev: r('rooms-prev'), next: r('rooms-next'), label: r('rooms-page-no') },
    (cursor) => (integration ? api.mapperRooms(ctx.tenant.id, integration.id, { cursor, limit: PAGE_SIZE }) : Promise.resolve({ items: [], nextCursor: null })),
    showRows,
    (err) => say(r('rooms-result'), inWords(err), 'error'),
  );

  const reset = async (room: MapperRoom, button: HTMLButtonElement, cells: HTMLElement[]) => {
    const ok = await confirmAction({
      title: `Reset the conference ID of ${room.conference}?`,
      message: `The ID ${room.conferenceId} stops working at once: callers who enter it are refused. The room gets a new ID the next time Jitsi Meet asks for it.`,
      confirmLabel: 'Reset ID',
      danger: true,
    });
    if (!ok || !integration) return;
    const done = await act(button, r('rooms-result'), async () => {
      const { previousConferenceId } = await api.resetMapperId(ctx.tenant.id, integration!.id, room.id);
      return `${previousConferenceId ?? 'The ID'} of ${room.conference} is refused from now on; the room gets a new ID at its next lookup.`;
    });
    if (!done) return;
    for (const c of cells) c.textContent = '– (reset)';
    button.disabled = true; // nothing left to reset until the room's next lookup
  };

  return {
    open(i) {
      integration = i;
      r('rooms').hidden = false;
      r('rooms-title').textContent = `Rooms of ${i.name}`;
      say(r('rooms-result'), '');
      void pager.first().then(() => r('rooms-title').focus()); // the keyboard continues in the rooms
    },
    close(id) {
      if (integration?.id !== id) return;
      integration = null;
      pager.clear();
      r('rooms').hidden = true;
    },
  };
}

function roomRow(room: MapperRoom, reset: (room: MapperRoom, b: HTMLButtonElement, cells: HTMLElement[]) => void, canWrite: boolean): HTMLTableRowElement {
  const idCell = h('td', { 'data-label': 'Conference ID', class: 'mono' }, room.conferenceId ?? '– (reset or expired)');
  const button = h('button', { type: 'button', class: 'quiet danger', 'aria-label': `Reset the ID of ${room.conference}` }, 'Reset ID…');
  button.disabled = !canWrite || room.conferenceId === null;
  const expires = h('td', { 'data-label': 'Expires' }, dateTime(room.expiresAt));
  button.addEventListener('click', () => reset(room, button, [idCell, expires]));
  return h('tr', { 'data-room': room.id },
    h('td', { 'data-label': 'Room', class: 'mono' }, room.conference),
    idCell,
    expires,
    h('td', { 'data-label': 'Last lookup' }, dateTime(room.lastLookupAt)),
    h('td', { class: 'row-actions' }, button),
  );
}
