/** Store type of uploads (table created by migration 0002_renders). */
export interface UploadsTable {
  id: string;
  account_id: string;
  /** The client's file name (display only; the storage key never derives from it). */
  name: string;
  storage_key: string;
  /** Found by probing the bytes, not taken from the request. */
  media_type: string;
  kind: 'image' | 'video' | 'audio';
  size: number;
  width: number | null;
  height: number | null;
  duration: number | null;
  created_at: string;
}

declare module '../store/schema' {
  interface Database {
    uploads: UploadsTable;
  }
}
