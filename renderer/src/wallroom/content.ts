/**
 * Pure helpers of the wall room: how a region's content is named, which scene a key applies,
 * and a scene built from what the wall shows now (optionally with other layouts per screen).
 */
import type { RegionContent, SceneScreen, VideoCamera, WallLayout, WallScene, WallState } from '../../../shared/contract';

export const CONTENT_KINDS = ['video', 'map', 'alerts', 'kpi', 'incident', 'clock', 'web', 'empty'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** The i18n key (under wallRoom.content) naming a content kind. */
export function kindKey(content: RegionContent): string {
  if (content.kind === 'alerts') return content.mode === 'ticker' ? 'alertsTicker' : 'alertsBoard';
  return content.kind;
}

/** What a region shows, in words: the camera's name for video, the host for a web page. */
export function contentLabel(content: RegionContent, cameras: ReadonlyMap<string, VideoCamera>, t: (key: string) => string): string {
  if (content.kind === 'video') return cameras.get(content.cameraId)?.name ?? content.cameraId;
  if (content.kind === 'web') {
    try {
      return `${t('wallRoom.content.web')} · ${new URL(content.url).host}`;
    } catch {
      return t('wallRoom.content.web');
    }
  }
  return t(`wallRoom.content.${kindKey(content)}`);
}

export const HOTKEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`)] as const;

/** True when a key press happens in a field (typing there is not a hotkey). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(type);
}

/** The scene a key applies (plain key, no modifiers), if any. */
export function sceneForKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey'>, scenes: readonly WallScene[]): WallScene | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null;
  if (!(HOTKEYS as readonly string[]).includes(e.key)) return null;
  return scenes.find((s) => s.hotkey === e.key) ?? null;
}

/**
 * A screen's plan for another layout: contents move by region id when the new layout has it,
 * else in region order; what does not fit is dropped.
 */
export function relayout(regions: WallState['screens'][number]['regions'], layout: WallLayout): SceneScreen {
  const byId = new Map(regions.map((r) => [r.region.id, r.content]));
  const sameLayout = layout.regions.every((r) => byId.has(r.id));
  const content: Record<string, RegionContent> = {};
  layout.regions.forEach((r, i) => {
    const c = sameLayout ? byId.get(r.id) : regions[i]?.content;
    if (c && c.kind !== 'empty') content[r.id] = c;
  });
  return { layoutId: layout.id, content };
}

/** A new scene from the wall as it is now, with a layout per screen (absent: the one it has). */
export function sceneFromState(state: WallState, layouts: ReadonlyMap<string, WallLayout>, options: { id: string; name: string; hotkey?: string; layoutIds?: Record<string, string> }): WallScene {
  const screens: Record<string, SceneScreen> = {};
  for (const s of state.screens) {
    const wanted = options.layoutIds?.[s.screenId];
    const layout = (wanted && layouts.get(wanted)) || s.layout;
    screens[s.screenId] = relayout(s.regions, layout);
  }
  return { id: options.id, name: options.name.trim(), ...(options.hotkey ? { hotkey: options.hotkey } : {}), screens };
}

/** A fresh scene id (letters, digits, - only). */
export function newSceneId(now = Date.now()): string {
  return `scene-${now.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** What the save-as-scene dialog hands back. */
export interface SaveSceneForm {
  name: string;
  hotkey: string;
  layoutIds: Record<string, string>;
  applyNow: boolean;
}
