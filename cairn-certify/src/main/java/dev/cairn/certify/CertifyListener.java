package dev.cairn.certify;

/** Receives {@link CertifyEvent}s. */
@FunctionalInterface
public interface CertifyListener {
  CertifyListener NONE = e -> {};

  void on(CertifyEvent event);
}
