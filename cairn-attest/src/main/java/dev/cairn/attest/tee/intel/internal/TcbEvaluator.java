package dev.cairn.attest.tee.intel.internal;

import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.intel.EnclaveReport;
import dev.cairn.attest.tee.intel.IntelQuote;
import dev.cairn.attest.tee.intel.TdReport;
import dev.cairn.attest.tee.intel.TdxQuote;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Intel's TCB evaluation (DCAP Quote Verification Library, "TCB level check"): the first TCB level
 * whose SGX components and PCESVN the PCK certificate meets (and, for TDX, whose TDX components the
 * TD's TEE_TCB_SVN meets), the TDX module identity, and the QE identity, converged into one status.
 * TD relaunch advice (TD report 1.5) is not evaluated.
 */
public final class TcbEvaluator {
  /** The evaluation: a status and the advisories listed for it. */
  public record Result(TcbStatus status, List<String> advisories) {}

  /** A mismatch between the evidence and the collateral. */
  public static final class TcbException extends Exception {
    private static final long serialVersionUID = 1L;

    TcbException(String message) {
      super(message);
    }
  }

  private TcbEvaluator() {}

  public static Result evaluate(
      IntelQuote quote,
      PckExtensions pck,
      Map<String, Object> tcbInfo,
      @Nullable Map<String, Object> qeIdentity)
      throws TcbException {
    HexFormat hex = HexFormat.of();
    Set<String> advisories = new LinkedHashSet<>();
    String fmspc = str(tcbInfo, "fmspc", "TCB info");
    if (!fmspc.equalsIgnoreCase(hex.formatHex(pck.fmspc()))) {
      throw new TcbException(
          "the TCB info is for FMSPC "
              + fmspc.toLowerCase(Locale.ROOT)
              + ", the PCK certificate's is "
              + hex.formatHex(pck.fmspc()));
    }
    String pceId = str(tcbInfo, "pceId", "TCB info");
    if (!pceId.equalsIgnoreCase(hex.formatHex(pck.pceId()))) {
      throw new TcbException(
          "the TCB info is for PCE-ID "
              + pceId.toLowerCase(Locale.ROOT)
              + ", the PCK certificate's is "
              + hex.formatHex(pck.pceId()));
    }
    long version = num(tcbInfo, "version", "TCB info");
    Object id = tcbInfo.get("id");
    TdReport td = quote instanceof TdxQuote t ? t.body() : null;
    if (td != null && (version < 3 || !"TDX".equals(id))) {
      throw new TcbException("a TDX quote needs TCB info with id TDX (version 3), not " + id);
    }
    if (td == null && id != null && !"SGX".equals(id)) {
      throw new TcbException("an SGX quote needs SGX TCB info, not " + id);
    }
    TcbStatus qeStatus = qeIdentity == null ? null : qe(quote, td != null, qeIdentity, advisories);
    Map<String, Object> sgxLevel = null;
    Map<String, Object> tdxLevel = null;
    for (Object o : list(tcbInfo, "tcbLevels", "TCB info")) {
      Map<String, Object> level = map(o, "TCB info tcbLevels entry");
      Map<String, Object> tcb = map(level.get("tcb"), "TCB info tcb");
      if (!sgxHigherOrEqual(pck, tcb, version)) {
        continue;
      }
      if (td == null) {
        sgxLevel = level;
        break;
      }
      if (sgxLevel == null) {
        sgxLevel = level;
      }
      if (tdxHigherOrEqual(td.teeTcbSvn(), tcb)) {
        tdxLevel = level;
        break;
      }
    }
    if (sgxLevel == null) {
      throw new TcbException(
          "the PCK certificate's TCB (components "
              + java.util.Arrays.toString(pck.componentSvns())
              + ", PCESVN "
              + pck.pceSvn()
              + ") is below every TCB level of the TCB info (Intel: TCB not supported)");
    }
    TcbStatus status = status(sgxLevel, "TCB level");
    addAdvisories(advisories, sgxLevel);
    if (td != null) {
      if (tdxLevel == null) {
        throw new TcbException(
            "the TD's TEE_TCB_SVN "
                + hex.formatHex(td.teeTcbSvn())
                + " is below every TDX TCB level of the TCB info");
      }
      TcbStatus tdxStatus = status(tdxLevel, "TDX TCB level");
      addAdvisories(advisories, tdxLevel);
      status = converge(tdxStatus, tdxModule(td, tcbInfo, advisories));
    }
    if (qeStatus != null) {
      status = converge(status, qeStatus);
    }
    return new Result(status, new ArrayList<>(advisories));
  }

  /** Intel's convergence of a TCB level status with the QE's (or TDX module's) status. */
  static TcbStatus converge(TcbStatus level, TcbStatus other) {
    if (other == TcbStatus.REVOKED) {
      return TcbStatus.REVOKED;
    }
    if (other == TcbStatus.OUT_OF_DATE) {
      switch (level) {
        case UP_TO_DATE, SW_HARDENING_NEEDED -> {
          return TcbStatus.OUT_OF_DATE;
        }
        case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> {
          return TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
        }
        default -> {
          return level;
        }
      }
    }
    return level;
  }

  private static boolean sgxHigherOrEqual(PckExtensions pck, Map<String, Object> tcb, long version)
      throws TcbException {
    int[] have = pck.componentSvns();
    if (version >= 3) {
      List<Object> comps = list(tcb, "sgxtcbcomponents", "TCB level");
      if (comps.size() != 16) {
        throw new TcbException("a TCB level has " + comps.size() + " SGX components, not 16");
      }
      for (int i = 0; i < 16; i++) {
        if (have[i] < svnByte(map(comps.get(i), "sgxtcbcomponent"), "sgxtcbcomponent")) {
          return false;
        }
      }
    } else {
      for (int i = 0; i < 16; i++) {
        if (have[i] < svnByte(tcb, String.format("sgxtcbcomp%02dsvn", i + 1))) {
          return false;
        }
      }
    }
    return pck.pceSvn() >= num(tcb, "pcesvn", "TCB level");
  }

  private static boolean tdxHigherOrEqual(byte[] teeTcbSvn, Map<String, Object> tcb)
      throws TcbException {
    List<Object> comps = list(tcb, "tdxtcbcomponents", "TDX TCB level");
    if (comps.size() != 16) {
      throw new TcbException("a TCB level has " + comps.size() + " TDX components, not 16");
    }
    for (int i = (teeTcbSvn[1] & 0xff) > 0 ? 2 : 0; i < 16; i++) {
      if ((teeTcbSvn[i] & 0xff)
          < svnByte(map(comps.get(i), "tdxtcbcomponent"), "tdxtcbcomponent")) {
        return false;
      }
    }
    return true;
  }

  /**
   * A TCB component's SVN: one byte of CPUSVN or TEE_TCB_SVN. Intel's library reads the JSON value
   * into a byte, and Intel's TDX sample collateral has values past 255 that only match so; a value
   * outside 0-65535 is an error.
   */
  private static int svnByte(Map<String, Object> m, String what) throws TcbException {
    String key = m.containsKey("svn") ? "svn" : what;
    long v = num(m, key, what);
    if (v < 0 || v > 0xffff) {
      throw new TcbException(what + " SVN " + v + " is out of range");
    }
    return (int) (v & 0xff);
  }

  private static TcbStatus tdxModule(TdReport td, Map<String, Object> tcbInfo, Set<String> adv)
      throws TcbException {
    HexFormat hex = HexFormat.of();
    int major = td.teeTcbSvn()[1] & 0xff;
    int minor = td.teeTcbSvn()[0] & 0xff;
    Map<String, Object> module;
    String name;
    boolean identities = tcbInfo.get("tdxModuleIdentities") instanceof List<?>;
    if (major == 0 || !identities) {
      // TCB info before tdxModuleIdentities (Intel's 2021 sample): only the tdxModule entry
      module = map(tcbInfo.get("tdxModule"), "TCB info tdxModule");
      name = "tdxModule";
      major = 0;
    } else {
      name = String.format("TDX_%02X", major);
      module = null;
      Object ids = tcbInfo.get("tdxModuleIdentities");
      if (ids instanceof List<?> l) {
        for (Object o : l) {
          Map<String, Object> m = map(o, "tdxModuleIdentities entry");
          if (name.equalsIgnoreCase(String.valueOf(m.get("id")))) {
            module = m;
          }
        }
      }
      if (module == null) {
        throw new TcbException("the TCB info has no TDX module identity " + name);
      }
    }
    byte[] signer = hexField(module, "mrsigner", name);
    if (!java.util.Arrays.equals(signer, td.mrSignerSeam())) {
      throw new TcbException(
          "MRSIGNERSEAM " + hex.formatHex(td.mrSignerSeam()) + " is not " + name + "'s mrsigner");
    }
    if (!masked(
        td.seamAttributes(),
        hexField(module, "attributes", name),
        hexField(module, "attributesMask", name))) {
      throw new TcbException(
          "SEAM attributes " + hex.formatHex(td.seamAttributes()) + " do not match " + name);
    }
    if (major == 0) {
      return TcbStatus.UP_TO_DATE;
    }
    for (Object o : list(module, "tcbLevels", name)) {
      Map<String, Object> level = map(o, name + " tcbLevels entry");
      if (minor >= num(map(level.get("tcb"), name + " tcb"), "isvsvn", name)) {
        addAdvisories(adv, level);
        return status(level, name + " level");
      }
    }
    throw new TcbException(
        "the TDX module's SVN " + minor + " is below every level of " + name + " in the TCB info");
  }

  private static TcbStatus qe(
      IntelQuote quote, boolean tdx, Map<String, Object> qeId, Set<String> adv)
      throws TcbException {
    HexFormat hex = HexFormat.of();
    EnclaveReport qe = quote.signatureData().qeReport();
    Object id = qeId.get("id");
    String want = tdx ? "TD_QE" : "QE";
    if (id != null && !want.equals(id)) {
      throw new TcbException("the QE identity is for " + id + ", this quote needs " + want);
    }
    if (!java.util.Arrays.equals(hexField(qeId, "mrsigner", "QE identity"), qe.mrSigner())) {
      throw new TcbException(
          "the QE's MRSIGNER " + hex.formatHex(qe.mrSigner()) + " is not the QE identity's");
    }
    long prod = num(qeId, "isvprodid", "QE identity");
    if (qe.isvProdId() != prod) {
      throw new TcbException(
          "the QE's ISVPRODID " + qe.isvProdId() + " is not the QE identity's " + prod);
    }
    byte[] misc = new byte[4];
    for (int i = 0; i < 4; i++) {
      misc[i] = (byte) (qe.miscSelect() >>> (8 * i)); // as stored in the report
    }
    if (!masked(
        misc,
        hexField(qeId, "miscselect", "QE identity"),
        hexField(qeId, "miscselectMask", "QE identity"))) {
      throw new TcbException(
          String.format(
              "the QE's MISCSELECT %08x does not match the QE identity", qe.miscSelect()));
    }
    if (!masked(
        qe.attributes(),
        hexField(qeId, "attributes", "QE identity"),
        hexField(qeId, "attributesMask", "QE identity"))) {
      throw new TcbException(
          "the QE's attributes "
              + hex.formatHex(qe.attributes())
              + " do not match the QE identity");
    }
    for (Object o : list(qeId, "tcbLevels", "QE identity")) {
      Map<String, Object> level = map(o, "QE identity tcbLevels entry");
      if (qe.isvSvn() >= num(map(level.get("tcb"), "QE identity tcb"), "isvsvn", "QE identity")) {
        addAdvisories(adv, level);
        return status(level, "QE identity level");
      }
    }
    throw new TcbException(
        "the QE's ISVSVN " + qe.isvSvn() + " is below every level of the QE identity");
  }

  private static boolean masked(byte[] value, byte[] expected, byte[] mask) throws TcbException {
    if (value.length != expected.length || value.length != mask.length) {
      throw new TcbException(
          "a masked field has " + expected.length + " bytes, the evidence " + value.length);
    }
    for (int i = 0; i < value.length; i++) {
      if ((value[i] & mask[i]) != (expected[i] & mask[i])) {
        return false;
      }
    }
    return true;
  }

  private static void addAdvisories(Set<String> adv, Map<String, Object> level) {
    if (level.get("advisoryIDs") instanceof List<?> l) {
      for (Object o : l) {
        adv.add(String.valueOf(o));
      }
    }
  }

  private static TcbStatus status(Map<String, Object> level, String what) throws TcbException {
    String s = str(level, "tcbStatus", what);
    try {
      return TcbStatus.parse(s);
    } catch (IllegalArgumentException e) {
      throw new TcbException(what + " has an unknown status " + s);
    }
  }

  private static byte[] hexField(Map<String, Object> m, String key, String what)
      throws TcbException {
    try {
      return HexFormat.of().parseHex(str(m, key, what));
    } catch (IllegalArgumentException e) {
      throw new TcbException(what + " " + key + " is not hex");
    }
  }

  private static String str(Map<String, Object> m, String key, String what) throws TcbException {
    if (m.get(key) instanceof String s) {
      return s;
    }
    throw new TcbException(what + " has no string " + key);
  }

  private static long num(Map<String, Object> m, String key, String what) throws TcbException {
    if (m.get(key) instanceof Long l) {
      return l;
    }
    throw new TcbException(what + " has no integer " + key);
  }

  private static List<Object> list(Map<String, Object> m, String key, String what)
      throws TcbException {
    if (m.get(key) instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    throw new TcbException(what + " has no list " + key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@Nullable Object o, String what) throws TcbException {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new TcbException(what + " is not an object");
  }
}
