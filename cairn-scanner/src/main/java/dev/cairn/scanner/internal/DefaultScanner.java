package dev.cairn.scanner.internal;

import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectRef;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ResourceRule;
import dev.cairn.scanner.ScanException;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanner;
import dev.cairn.scanner.Severity;
import dev.cairn.scanner.Waiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Streams objects from the sources through a bounded queue to worker threads; each worker keeps its
 * own tallies, merged at the end, so nothing but findings outlives an object.
 */
public final class DefaultScanner implements Scanner {
  private final ScanOptions options;
  private final String tool;
  private final List<CompiledCheck> compiled;
  private final Map<String, List<CompiledCheck>> byGroupResource = new HashMap<>();

  /** Relational checks by the group/resources they match: judged once the stream has ended. */
  private final Map<String, List<CompiledCheck>> relationalByGroupResource = new HashMap<>();

  /** The collections relational checks declared; empty when none runs. */
  private final Set<String> collections = new LinkedHashSet<>();

  public DefaultScanner(ScanOptions options, String tool) {
    this.options = options;
    this.tool = tool;
    this.compiled = options.checks().checks().stream().map(CompiledCheck::compile).toList();
    for (CompiledCheck c : compiled) {
      if (c.check().isManual()) {
        continue;
      }
      Set<String> keys = new LinkedHashSet<>();
      for (ResourceRule r : c.check().match()) {
        keys.add(r.group() + "/" + r.resource());
      }
      Map<String, List<CompiledCheck>> into =
          c.check().relational() ? relationalByGroupResource : byGroupResource;
      for (String k : keys) {
        into.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
      }
      collections.addAll(c.check().collections());
    }
  }

  /**
   * Per-scan state of relational checks: the collections being gathered and the objects the checks
   * match, kept (they are of small kinds: namespaces, RBAC, webhooks) until the stream ends.
   */
  private static final class Relations {
    final ClusterIndex index;
    final List<Item> deferred = new ArrayList<>();

    Relations(Set<String> collections) {
      this.index = new ClusterIndex(collections);
    }

    void defer(Item it) {
      synchronized (deferred) {
        deferred.add(it);
      }
    }
  }

  private record Item(long seq, KubeObject object) {}

  private static final Item END =
      new Item(
          -1,
          new KubeObject("v1", "End", null, "", Map.of(), dev.cairn.core.SourceLocation.of("")));

  /** Per-worker tallies, indexed like {@link #compiled}. */
  private final class Tally {
    final long[] passed = new long[compiled.size()];
    final long[] failed = new long[compiled.size()];
    final long[] errors = new long[compiled.size()];
    final long[] waived = new long[compiled.size()];
    final List<List<SeqFinding>> findings = new ArrayList<>();
    final Map<String, Long> unmatchedKinds = new TreeMap<>();
    final Set<Waiver> expiredUsed = new LinkedHashSet<>();
    final Set<Waiver> broadCritical = new LinkedHashSet<>();

    Tally() {
      for (int i = 0; i < compiled.size(); i++) {
        findings.add(new ArrayList<>());
      }
    }
  }

  private record SeqFinding(long seq, Finding finding) {}

  @Override
  public ScanReport scan(List<ObjectSource> sources) throws ScanException {
    Instant start = options.clock().instant();
    long t0 = System.nanoTime();
    List<Notice> notices = Collections.synchronizedList(new ArrayList<>());
    Map<CompiledCheck, Integer> index = new HashMap<>();
    for (int i = 0; i < compiled.size(); i++) {
      index.put(compiled.get(i), i);
    }
    AtomicLong done = new AtomicLong();
    List<Tally> tallies = new ArrayList<>();
    @Nullable Relations rel = collections.isEmpty() ? null : new Relations(collections);
    long objects;
    int workers = options.parallelism();
    if (workers == 1) {
      Tally t = new Tally();
      tallies.add(t);
      long[] seq = {0};
      readAll(
          sources,
          notices,
          o -> {
            evaluate(seq[0]++, o, t, index, rel);
            progress(done);
          },
          rel);
      objects = seq[0];
    } else {
      BlockingQueue<Item> queue = new ArrayBlockingQueue<>(2048);
      AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        Tally t = new Tally();
        tallies.add(t);
        Thread th =
            Thread.ofPlatform()
                .name("cairn-scan-" + w)
                .daemon()
                .start(
                    () -> {
                      try {
                        while (true) {
                          Item it = queue.take();
                          if (it == END) {
                            return;
                          }
                          evaluate(it.seq(), it.object(), t, index, rel);
                          progress(done);
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                        queue.clear();
                      }
                    });
        threads.add(th);
      }
      long[] seq = {0};
      try {
        readAll(
            sources,
            notices,
            o -> {
              try {
                if (failure.get() == null) {
                  queue.put(new Item(seq[0]++, o));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
              }
            },
            rel);
      } finally {
        try {
          for (int w = 0; w < workers; w++) {
            queue.put(END);
          }
          for (Thread th : threads) {
            th.join();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Throwable f = failure.get();
      if (f instanceof RuntimeException re) {
        throw re;
      } else if (f instanceof Error err) {
        throw err;
      }
      objects = seq[0];
    }
    if (rel != null) {
      Tally t = new Tally();
      tallies.add(t);
      judgeRelational(rel, t, index);
    }
    List<CheckResult> results = new ArrayList<>();
    Map<String, Long> unmatched = new TreeMap<>();
    Set<Waiver> expired = new LinkedHashSet<>();
    for (Tally t : tallies) {
      t.unmatchedKinds.forEach((k, v) -> unmatched.merge(k, v, Long::sum));
      expired.addAll(t.expiredUsed);
    }
    for (int i = 0; i < compiled.size(); i++) {
      long p = 0;
      long f = 0;
      long e = 0;
      long w = 0;
      List<SeqFinding> fs = new ArrayList<>();
      for (Tally t : tallies) {
        p += t.passed[i];
        f += t.failed[i];
        e += t.errors[i];
        w += t.waived[i];
        fs.addAll(t.findings.get(i));
      }
      fs.sort(Comparator.comparingLong(SeqFinding::seq));
      CheckResult.Status status;
      if (compiled.get(i).check().isManual()) {
        status = CheckResult.Status.MANUAL;
      } else if (e > 0) {
        status = CheckResult.Status.ERROR;
      } else if (f > 0) {
        status = CheckResult.Status.FAILED;
      } else if (p + w == 0) {
        status = CheckResult.Status.NOT_APPLICABLE;
      } else if (p == 0) {
        status = CheckResult.Status.WAIVED;
      } else {
        status = CheckResult.Status.PASSED;
      }
      results.add(
          new CheckResult(
              compiled.get(i).check(),
              status,
              p,
              f,
              e,
              w,
              fs.stream().map(SeqFinding::finding).toList()));
    }
    if (!unmatched.isEmpty()) {
      notices.add(
          new Notice(
              Notice.Level.INFO,
              null,
              "skipped objects of kinds no selected check applies to: "
                  + unmatched.entrySet().stream()
                      .map(en -> en.getKey() + " (" + en.getValue() + ")")
                      .collect(Collectors.joining(", "))));
    }
    Set<Waiver> broad = new LinkedHashSet<>();
    for (Tally t : tallies) {
      broad.addAll(t.broadCritical);
    }
    for (Waiver w : broad) {
      notices.add(
          new Notice(
              Notice.Level.WARNING,
              w.origin(),
              "waiver '"
                  + w.check()
                  + "' covers Critical findings ("
                  + w.reason()
                  + "); name the checks it is for"));
    }
    for (Waiver w : options.waivers().fileWaivers()) {
      if (options.checks().checks().stream().noneMatch(c -> Glob.matches(w.check(), c.id()))) {
        notices.add(
            new Notice(
                Notice.Level.WARNING,
                w.origin(),
                "waiver for "
                    + w.check()
                    + " matches none of the "
                    + options.checks().size()
                    + " checks of this scan; check its id (cairn checks list)"));
      }
    }
    for (Waiver w : expired) {
      notices.add(
          new Notice(
              Notice.Level.WARNING,
              w.origin(),
              "waiver for "
                  + w.check()
                  + " expired at "
                  + w.expires()
                  + "; it no longer waives ("
                  + w.reason()
                  + ")"));
    }
    String source = sources.stream().map(ObjectSource::describe).collect(Collectors.joining(", "));
    return new ScanReport(
        tool,
        source,
        options.frameworks(),
        options.checks().digest(),
        options.pssVersion(),
        start,
        Duration.ofNanos(System.nanoTime() - t0),
        objects,
        results,
        List.copyOf(notices));
  }

  private void progress(AtomicLong done) {
    long n = done.incrementAndGet();
    if ((n & 1023) == 0) {
      options.listener().progress(n);
    }
  }

  private interface ObjectConsumer {
    void accept(KubeObject o);
  }

  private static void readAll(
      List<ObjectSource> sources, List<Notice> notices, ObjectConsumer c, @Nullable Relations rel)
      throws ScanException {
    ObjectSource.Sink sink =
        new ObjectSource.Sink() {
          @Override
          public void object(KubeObject object) {
            c.accept(object);
          }

          @Override
          public void notice(Notice notice) {
            notices.add(notice);
          }

          @Override
          public void context(KubeObject object) {
            if (rel != null) {
              String collection = rel.index.collectionOf(object.group(), object.resource());
              if (collection != null) {
                rel.index.add(collection, object);
              }
            }
          }
        };
    for (ObjectSource s : sources) {
      s.read(sink);
    }
  }

  private void evaluate(
      long seq, KubeObject o, Tally t, Map<CompiledCheck, Integer> index, @Nullable Relations rel) {
    String group = o.group();
    String resource = o.resource();
    List<CompiledCheck> checks = byGroupResource.get(group + "/" + resource);
    boolean related = false;
    if (rel != null) {
      String collection = rel.index.collectionOf(group, resource);
      if (collection != null) {
        rel.index.add(collection, o);
        related = true;
      }
      if (relationalByGroupResource.containsKey(group + "/" + resource)) {
        rel.defer(new Item(seq, o));
        related = true;
      }
    }
    if (checks == null) {
      if (!related) {
        t.unmatchedKinds.merge(o.apiVersion() + "/" + o.kind(), 1L, Long::sum);
      }
      return;
    }
    CompiledCheck.ObjectContext ctx = context(o);
    if (!judge(seq, o, checks, ctx, t, index) && !related) {
      t.unmatchedKinds.merge(o.apiVersion() + "/" + o.kind(), 1L, Long::sum);
    }
  }

  private CompiledCheck.ObjectContext context(KubeObject o) {
    return new CompiledCheck.ObjectContext(
        o.content(),
        o.group(),
        o.kind(),
        options.apiVersions(),
        options.kubeVersion(),
        options.pssVersion().minor());
  }

  /** The relational checks, on the objects they match, with every collection indexed. */
  private void judgeRelational(Relations rel, Tally t, Map<CompiledCheck, Integer> index) {
    ClusterIndex.Values values = rel.index.build();
    List<Item> items = new ArrayList<>(rel.deferred);
    items.sort(Comparator.comparingLong(Item::seq));
    for (Item it : items) {
      KubeObject o = it.object();
      List<CompiledCheck> checks = relationalByGroupResource.get(o.group() + "/" + o.resource());
      if (checks != null) {
        judge(it.seq(), o, checks, context(o).withCluster(values), t, index);
      }
    }
  }

  /** Judges {@code o} by {@code checks}; false when none of them matched its version. */
  private boolean judge(
      long seq,
      KubeObject o,
      List<CompiledCheck> checks,
      CompiledCheck.ObjectContext ctx,
      Tally t,
      Map<CompiledCheck, Integer> index) {
    String group = o.group();
    String version = o.version();
    String resource = o.resource();
    Instant now = options.clock().instant();
    ObjectRef ref = null;
    boolean any = false;
    for (CompiledCheck cc : checks) {
      if (!versionMatches(cc.check(), group, version, resource)) {
        continue;
      }
      any = true;
      int i = java.util.Objects.requireNonNull(index.get(cc));
      CompiledCheck.Verdict v = cc.evaluate(ctx);
      if (v == null) {
        t.passed[i]++;
        continue;
      }
      if (ref == null) {
        ref = ObjectRef.of(o);
      }
      Optional<Waiver> w =
          v.error() ? Optional.empty() : options.waivers().find(cc.check().id(), o, now);
      List<CompiledCheck.Blame> blame =
          v.blame().isEmpty() ? List.of(new CompiledCheck.Blame(null, null)) : v.blame();
      Finding.State state;
      @Nullable Waiver applied = null;
      if (w.isPresent() && !w.get().expiredAt(now)) {
        t.waived[i]++;
        if (w.get().check().contains("*") && cc.check().severity() == Severity.CRITICAL) {
          t.broadCritical.add(w.get());
        }
        state = Finding.State.WAIVED;
        applied = w.get();
      } else {
        w.ifPresent(t.expiredUsed::add);
        if (v.error()) {
          t.errors[i]++;
        } else {
          t.failed[i]++;
        }
        state = v.error() ? Finding.State.ERROR : Finding.State.FAILED;
      }
      // one finding per container to blame: each can be fixed, waived in a baseline, on its own
      for (CompiledCheck.Blame b : blame) {
        t.findings
            .get(i)
            .add(
                new SeqFinding(
                    seq, new Finding(ref, state, v.message(), applied, b.container(), b.path())));
      }
    }
    return any;
  }

  private static boolean versionMatches(Check c, String group, String version, String resource) {
    for (ResourceRule r : c.match()) {
      if (r.matches(group, version, resource)) {
        return true;
      }
    }
    return false;
  }
}
