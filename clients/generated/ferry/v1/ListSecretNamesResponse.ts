// Original file: proto/ferry/v1/secrets.proto

import type { SecretNameInput as _ferry_v1_SecretNameInput, SecretName as _ferry_v1_SecretName } from '../../ferry/v1/SecretName.js';

export interface ListSecretNamesResponseInput {
  /**
   * Sorted by name.
   */
  'secrets'?: (_ferry_v1_SecretNameInput)[];
}

export interface ListSecretNamesResponse {
  /**
   * Sorted by name.
   */
  'secrets': (_ferry_v1_SecretName)[];
}
