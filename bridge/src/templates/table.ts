/** Store type of templates (table created by migration 0002_renders). */
export interface TemplatesTable {
  id: string;
  account_id: string;
  name: string;
  description: string;
  /** JSON of the movie with `{{variables}}`. */
  movie: string;
  /** JSON array of declared variables: `{ name, default?, required, description }`. */
  variables: string;
  created_at: string;
  updated_at: string;
}

declare module '../store/schema' {
  interface Database {
    templates: TemplatesTable;
  }
}
