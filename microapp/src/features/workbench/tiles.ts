/** The workbench's apps. Each opens its own page; until a feature ships (`soon`), that page says 即将上线. */
export interface WorkbenchTile {
  name: string;
  path: string;
  label: string;
  icon: string;
  /** Tile background tint and icon colour. */
  color: string;
  /** Not built yet: the router opens the 即将上线 page at `path`. */
  soon?: boolean;
}

export const WORKBENCH_TILES: readonly WorkbenchTile[] = [
  { name: 'notices', path: '/notices', label: '通知', icon: 'bullhorn-o', color: '#1677ff' },
  { name: 'attendance', path: '/attendance', label: '打卡', icon: 'location-o', color: '#00b578' },
  { name: 'approvals', path: '/approvals', label: '审批', icon: 'todo-list-o', color: '#ff8f1f', soon: true },
  { name: 'contacts', path: '/contacts', label: '通讯录', icon: 'friends-o', color: '#7e57c2' },
];
