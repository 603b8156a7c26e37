// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Cairn certificate registry, version 2
/// @notice Records compliance certificates issued by attested scanners, as digests only: the
/// cluster identity digest and the SHA-256 digest of the certificate's DSSE envelope. Nothing on
/// chain names a cluster, a server or a person, and there is no locator: a verifier holds the
/// certificate it verifies. One storage slot per certificate (issuer and three uint32 times), keyed
/// by keccak256(cluster, certificate), and one per certificate of a cluster after its first (the link to the one before); see docs/adr/0017-registry-v2.md.
/// The contract holds no ether.
contract CertificateRegistryV2 {
    /// @dev Exactly one slot: 160 + 3 × 32 bits. Times are Unix seconds; uint32 lasts until 2106.
    struct Record {
        address issuer;
        uint32 issuedAt;
        uint32 expiresAt;
        uint32 revokedAt;
    }

    address public admin;
    address public pendingAdmin;
    mapping(address => bool) public isIssuer;
    /// @dev keccak256(cluster ‖ certificate) => record
    mapping(bytes32 => Record) private records;
    /// @dev keccak256(cluster ‖ certificate) => the cluster's certificate before it (0: none). The
    /// history is a list from the newest back, so a cluster's first certificate writes no slot for it.
    mapping(bytes32 => bytes32) private previousOf;
    /// @notice The newest certificate of a cluster (zero when it has none).
    mapping(bytes32 => bytes32) public latest;

    event AdminTransferStarted(address indexed admin, address indexed pendingAdmin);
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);
    event IssuerGranted(address indexed issuer);
    event IssuerRevoked(address indexed issuer);
    event CertificateIssued(bytes32 indexed cluster, bytes32 indexed certificate, address indexed issuer);
    event CertificateRevoked(
        bytes32 indexed cluster, bytes32 indexed certificate, address indexed revokedBy, string reason
    );

    error NotAdmin(address caller);
    error NotPendingAdmin(address caller);
    error NotIssuer(address caller);
    error NotAllowedToRevoke(address caller, bytes32 certificate);
    error ZeroAddress();
    error ZeroDigest();
    error AlreadyIssued(bytes32 certificate);
    error UnknownCertificate(bytes32 certificate);
    error AlreadyRevoked(bytes32 certificate);
    error ExpiryNotInFuture(uint64 expiresAt, uint256 now);
    error ExpiryTooLate(uint64 expiresAt);

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    constructor(address initialAdmin) {
        if (initialAdmin == address(0)) revert ZeroAddress();
        admin = initialAdmin;
        emit AdminTransferred(address(0), initialAdmin);
    }

    /// @notice Starts handing the admin role to `newAdmin`, who must accept it (a typo can't lock it).
    function transferAdmin(address newAdmin) external onlyAdmin {
        if (newAdmin == address(0)) revert ZeroAddress();
        pendingAdmin = newAdmin;
        emit AdminTransferStarted(admin, newAdmin);
    }

    function acceptAdmin() external {
        if (msg.sender != pendingAdmin) revert NotPendingAdmin(msg.sender);
        emit AdminTransferred(admin, msg.sender);
        admin = msg.sender;
        pendingAdmin = address(0);
    }

    function grantIssuer(address issuer) external onlyAdmin {
        if (issuer == address(0)) revert ZeroAddress();
        isIssuer[issuer] = true;
        emit IssuerGranted(issuer);
    }

    function revokeIssuer(address issuer) external onlyAdmin {
        isIssuer[issuer] = false;
        emit IssuerRevoked(issuer);
    }

    function key(bytes32 cluster, bytes32 certificate) private pure returns (bytes32 k) {
        assembly {
            mstore(0x00, cluster)
            mstore(0x20, certificate)
            k := keccak256(0x00, 0x40)
        }
    }

    /// @notice Records a certificate of a cluster. Only issuers; each certificate once per cluster.
    function issue(bytes32 cluster, bytes32 certificate, uint64 expiresAt) external {
        if (!isIssuer[msg.sender]) revert NotIssuer(msg.sender);
        if (cluster == bytes32(0) || certificate == bytes32(0)) revert ZeroDigest();
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt, block.timestamp);
        if (expiresAt > type(uint32).max) revert ExpiryTooLate(expiresAt);
        bytes32 k = key(cluster, certificate);
        if (records[k].issuedAt != 0) revert AlreadyIssued(certificate);
        records[k] = Record(msg.sender, uint32(block.timestamp), uint32(expiresAt), 0);
        bytes32 before = latest[cluster];
        if (before != bytes32(0)) previousOf[k] = before;
        latest[cluster] = certificate;
        emit CertificateIssued(cluster, certificate, msg.sender);
    }

    /// @notice Revokes a certificate before its expiry: the admin, or the issuer that recorded it
    /// while it still holds the role (a removed, perhaps leaked, key can no longer act). The reason
    /// is kept in the event only.
    function revoke(bytes32 cluster, bytes32 certificate, string calldata reason) external {
        Record storage r = records[key(cluster, certificate)];
        if (r.issuedAt == 0) revert UnknownCertificate(certificate);
        if (msg.sender != admin && !(msg.sender == r.issuer && isIssuer[msg.sender])) {
            revert NotAllowedToRevoke(msg.sender, certificate);
        }
        if (r.revokedAt != 0) revert AlreadyRevoked(certificate);
        r.revokedAt = uint32(block.timestamp);
        emit CertificateRevoked(cluster, certificate, msg.sender, reason);
    }

    /// @notice The record of a certificate of a cluster; issuedAt is 0 when it was never issued.
    function certificateOf(bytes32 cluster, bytes32 certificate)
        external
        view
        returns (address issuer, uint32 issuedAt, uint32 expiresAt, uint32 revokedAt)
    {
        Record storage r = records[key(cluster, certificate)];
        return (r.issuer, r.issuedAt, r.expiresAt, r.revokedAt);
    }

    /// @notice Issued, not revoked, not expired, and its issuer still holds the role.
    function isValid(bytes32 cluster, bytes32 certificate) external view returns (bool) {
        Record storage r = records[key(cluster, certificate)];
        return r.issuedAt != 0 && r.revokedAt == 0 && block.timestamp < r.expiresAt && isIssuer[r.issuer];
    }

    /// @notice The certificate of a cluster recorded before `certificate` (zero: none, or not of it).
    function previous(bytes32 cluster, bytes32 certificate) external view returns (bytes32) {
        return previousOf[key(cluster, certificate)];
    }

    /// @notice Every certificate of a cluster, oldest first (historyPage for long histories).
    function history(bytes32 cluster) external view returns (bytes32[] memory h) {
        uint256 n = 0;
        for (bytes32 c = latest[cluster]; c != bytes32(0); c = previousOf[key(cluster, c)]) n++;
        h = new bytes32[](n);
        for (bytes32 c = latest[cluster]; c != bytes32(0); c = previousOf[key(cluster, c)]) h[--n] = c;
    }

    /// @notice Up to `limit` certificates of a cluster recorded before `before`, newest first; from
    /// the newest when `before` is zero. The last one of a page is the `before` of the next.
    function historyPage(bytes32 cluster, bytes32 before, uint256 limit) external view returns (bytes32[] memory page) {
        bytes32 c = before == bytes32(0) ? latest[cluster] : previousOf[key(cluster, before)];
        uint256 n = 0;
        for (bytes32 x = c; x != bytes32(0) && n < limit; x = previousOf[key(cluster, x)]) n++;
        page = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            page[i] = c;
            c = previousOf[key(cluster, c)];
        }
    }
}
