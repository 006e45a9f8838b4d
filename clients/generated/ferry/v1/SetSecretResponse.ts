// Original file: proto/ferry/v1/secrets.proto


export interface SetSecretResponseInput {
  /**
   * False when the secret existed and was replaced.
   */
  'created'?: (boolean);
}

export interface SetSecretResponse {
  /**
   * False when the secret existed and was replaced.
   */
  'created': (boolean);
}
