// Original file: proto/ferry/v1/secrets.proto


export interface SetSecretRequestInput {
  /**
   * Letters, digits and underscores, starting with a letter, at most 128 characters.
   */
  'name'?: (string);
  /**
   * The secret's value; at most 64 KiB.
   */
  'value'?: (string);
}

export interface SetSecretRequest {
  /**
   * Letters, digits and underscores, starting with a letter, at most 128 characters.
   */
  'name': (string);
  /**
   * The secret's value; at most 64 KiB.
   */
  'value': (string);
}
