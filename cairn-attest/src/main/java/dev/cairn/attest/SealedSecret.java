package dev.cairn.attest;

/**
 * A secret sealed with HPKE to a workload's {@link EnclaveKey}.
 *
 * @param name the secret's name in the policy (also the HPKE associated data)
 * @param enc the HPKE encapsulated key
 * @param ciphertext the sealed secret
 */
public record SealedSecret(String name, byte[] enc, byte[] ciphertext) {
  public SealedSecret {
    enc = enc.clone();
    ciphertext = ciphertext.clone();
  }

  @Override
  public byte[] enc() {
    return enc.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public String toString() {
    return "SealedSecret[" + name + ", " + ciphertext.length + " bytes]";
  }
}
