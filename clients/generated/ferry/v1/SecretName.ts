// Original file: proto/ferry/v1/secrets.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

export interface SecretNameInput {
  'name'?: (string);
  'updatedAt'?: (_google_protobuf_TimestampInput | null);
  /**
   * The token name that set it last.
   */
  'updatedBy'?: (string);
}

export interface SecretName {
  'name': (string);
  'updatedAt': (_google_protobuf_Timestamp | null);
  /**
   * The token name that set it last.
   */
  'updatedBy': (string);
}
