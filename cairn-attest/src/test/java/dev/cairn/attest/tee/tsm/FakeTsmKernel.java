package dev.cairn.attest.tee.tsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A fake of the kernel side of configfs-tsm on a temp dir. As the kernel does: {@code mkdir} of an
 * entry creates its attribute files at once ({@code inblob}, {@code privlevel}, {@code outblob},
 * {@code generation}, {@code provider}, {@code auxblob}, {@code privlevel_floor}); only {@code
 * inblob} and {@code privlevel} are writable (others: EACCES), each write bumps {@code generation};
 * reading {@code outblob} makes the report from the inblob and privlevel written and stores it
 * there; {@code rmdir} removes the entry with its attributes. {@link #raceOnce()} plays another
 * writer that writes the inblob right after the generation is first read.
 */
final class FakeTsmKernel implements ConfigfsTsm.Configfs {
  static final Set<String> WRITABLE = Set.of("inblob", "privlevel");

  private final String provider;
  private final byte[] auxblob;
  private final int privlevelFloor;
  private final BiFunction<byte[], Integer, byte[]> report;
  private final AtomicBoolean race = new AtomicBoolean();
  final AtomicLong reportsMade = new AtomicLong();

  /** {@code report} makes the outblob from the inblob and privlevel. */
  FakeTsmKernel(
      String provider,
      byte[] auxblob,
      int privlevelFloor,
      BiFunction<byte[], Integer, byte[]> report) {
    this.provider = provider;
    this.auxblob = auxblob.clone();
    this.privlevelFloor = privlevelFloor;
    this.report = report;
  }

  void raceOnce() {
    race.set(true);
  }

  @Override
  public synchronized void mkdir(Path entry) throws IOException {
    Files.createDirectory(entry);
    Files.write(entry.resolve("inblob"), new byte[0]);
    Files.writeString(entry.resolve("privlevel"), privlevelFloor + "\n");
    Files.write(entry.resolve("outblob"), new byte[0]);
    Files.writeString(entry.resolve("generation"), "0\n");
    Files.writeString(entry.resolve("provider"), provider + "\n");
    Files.write(entry.resolve("auxblob"), auxblob);
    Files.writeString(entry.resolve("privlevel_floor"), privlevelFloor + "\n");
  }

  private static long generation(Path entry) throws IOException {
    return Long.parseLong(Files.readString(entry.resolve("generation")).strip());
  }

  @Override
  public synchronized void write(Path attribute, byte[] data) throws IOException {
    Path entry = attribute.getParent();
    if (!Files.exists(attribute)) {
      throw new NoSuchFileException(attribute.toString());
    }
    if (!WRITABLE.contains(attribute.getFileName().toString())) {
      throw new IOException(attribute + ": Permission denied");
    }
    if (attribute.endsWith("inblob") && data.length > ConfigfsTsm.INBLOB_SIZE) {
      throw new IOException(attribute + ": File too large");
    }
    Files.write(attribute, data, StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(entry.resolve("generation"), (generation(entry) + 1) + "\n");
  }

  @Override
  public synchronized byte[] read(Path attribute) throws IOException {
    Path entry = attribute.getParent();
    String name = attribute.getFileName().toString();
    if (name.equals("outblob")) {
      byte[] inblob = Files.readAllBytes(entry.resolve("inblob"));
      int privlevel = Integer.parseInt(Files.readString(entry.resolve("privlevel")).strip());
      byte[] out = report.apply(inblob, privlevel);
      reportsMade.incrementAndGet();
      Files.write(attribute, out);
      return out;
    }
    byte[] b = Files.readAllBytes(attribute);
    if (name.equals("generation") && race.getAndSet(false)) {
      write(entry.resolve("inblob"), new byte[ConfigfsTsm.INBLOB_SIZE]);
    }
    return b;
  }

  @Override
  public boolean exists(Path attribute) {
    return Files.exists(attribute);
  }

  @Override
  public synchronized void rmdir(Path entry) throws IOException {
    try (Stream<Path> files = Files.list(entry)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(entry);
  }
}
