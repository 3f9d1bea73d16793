/** Store types of the connections vault (tables created by migration 0003_connections). */

export interface ConnectionsTable {
  account_id: string;
  /** Chosen by the user: lower-case letters, digits and dashes; unique per account. */
  id: string;
  type: string;
  name: string | null;
  /** JSON object of the NON-sensitive fields, in clear. */
  fields: string;
  /** JSON object field → ciphertext (`enc:v1:<kid>:…`, AAD = account|connection|field). */
  secrets: string;
  /** Key versions the row's ciphertexts use, comma-separated (start-up check and `vault rotate` find them without decrypting). */
  key_versions: string;
  created_at: string;
  updated_at: string;
}

/** Emails sent (accepted for sending) per account and UTC day, for the daily cap. */
export interface EmailSendsTable {
  account_id: string;
  /** YYYY-MM-DD (UTC) */
  day: string;
  count: number;
}

declare module '../store/schema' {
  interface Database {
    connections: ConnectionsTable;
    email_sends: EmailSendsTable;
  }
}
