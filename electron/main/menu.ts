/**
 * The application menu: minimal, in Chinese, and without developer tools in a packaged build
 * (an operator must not be one keystroke away from a console into the renderer).
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openDecisionRoom(): void;
  quit(): void;
}

export function menuTemplate(actions: MenuActions, options: { devTools: boolean }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { label: '决策室窗口', accelerator: 'CmdOrCtrl+D', click: () => actions.openDecisionRoom() },
    { type: 'separator' },
    { role: 'resetZoom', label: '实际大小' },
    { role: 'zoomIn', label: '放大' },
    { role: 'zoomOut', label: '缩小' },
    { type: 'separator' },
    { role: 'togglefullscreen', label: '全屏' },
  ];
  if (options.devTools) view.push({ type: 'separator' }, { role: 'reload', label: '重新加载' }, { role: 'toggleDevTools', label: '开发者工具' });
  return [
    { label: '文件', submenu: [{ label: '退出', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() }] },
    { label: '编辑', submenu: [{ role: 'undo', label: '撤销' }, { role: 'redo', label: '重做' }, { type: 'separator' }, { role: 'cut', label: '剪切' }, { role: 'copy', label: '复制' }, { role: 'paste', label: '粘贴' }, { role: 'selectAll', label: '全选' }] },
    { label: '视图', submenu: view },
  ];
}
