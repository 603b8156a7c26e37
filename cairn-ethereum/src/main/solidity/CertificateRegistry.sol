// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Cairn certificate registry
/// @notice Records compliance certificates issued by attested scanners. An admin grants the issuer
/// role to the addresses of keys that an attestation service releases only to measured scanners;
/// only those can issue. Certificates are named by the SHA-256 digest of their DSSE envelope and
/// bound to a cluster identity digest. The contract holds no ether.
contract CertificateRegistry {
    struct Record {
        bytes32 cluster;
        address issuer;
        uint64 issuedAt;
        uint64 expiresAt;
        uint64 revokedAt;
        string locator;
        string revocationReason;
    }

    address public admin;
    address public pendingAdmin;
    mapping(address => bool) public isIssuer;
    mapping(bytes32 => Record) private records;
    mapping(bytes32 => bytes32[]) private clusterHistory;
    uint256 public certificateCount;

    event AdminTransferStarted(address indexed admin, address indexed pendingAdmin);
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);
    event IssuerGranted(address indexed issuer);
    event IssuerRevoked(address indexed issuer);
    event CertificateIssued(
        bytes32 indexed cluster, bytes32 indexed certificate, address indexed issuer, uint64 expiresAt, string locator
    );
    event CertificateRevoked(bytes32 indexed certificate, address indexed revokedBy, string reason);

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

    /// @notice Records a certificate for a cluster. Only issuers; each certificate once.
    function issue(bytes32 cluster, bytes32 certificate, uint64 expiresAt, string calldata locator) external {
        if (!isIssuer[msg.sender]) revert NotIssuer(msg.sender);
        if (cluster == bytes32(0) || certificate == bytes32(0)) revert ZeroDigest();
        if (records[certificate].issuedAt != 0) revert AlreadyIssued(certificate);
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt, block.timestamp);
        records[certificate] = Record(cluster, msg.sender, uint64(block.timestamp), expiresAt, 0, locator, "");
        clusterHistory[cluster].push(certificate);
        certificateCount += 1;
        emit CertificateIssued(cluster, certificate, msg.sender, expiresAt, locator);
    }

    /// @notice Revokes a certificate before its expiry: the admin, or the issuer that recorded it
    /// while it still holds the role (a removed, perhaps leaked, key can no longer act).
    function revoke(bytes32 certificate, string calldata reason) external {
        Record storage r = records[certificate];
        if (r.issuedAt == 0) revert UnknownCertificate(certificate);
        if (msg.sender != admin && !(msg.sender == r.issuer && isIssuer[msg.sender])) {
            revert NotAllowedToRevoke(msg.sender, certificate);
        }
        if (r.revokedAt != 0) revert AlreadyRevoked(certificate);
        r.revokedAt = uint64(block.timestamp);
        r.revocationReason = reason;
        emit CertificateRevoked(certificate, msg.sender, reason);
    }

    /// @notice The full record of a certificate; issuedAt is 0 when it was never issued.
    function certificateOf(bytes32 certificate)
        external
        view
        returns (
            bytes32 cluster,
            address issuer,
            uint64 issuedAt,
            uint64 expiresAt,
            uint64 revokedAt,
            string memory locator,
            string memory revocationReason
        )
    {
        Record storage r = records[certificate];
        return (r.cluster, r.issuer, r.issuedAt, r.expiresAt, r.revokedAt, r.locator, r.revocationReason);
    }

    /// @notice Issued, not revoked, not expired, and its issuer still holds the role.
    function isValid(bytes32 certificate) external view returns (bool) {
        Record storage r = records[certificate];
        return r.issuedAt != 0 && r.revokedAt == 0 && block.timestamp < r.expiresAt && isIssuer[r.issuer];
    }

    /// @notice The newest certificate of a cluster (zero when it has none).
    function latest(bytes32 cluster) external view returns (bytes32) {
        bytes32[] storage h = clusterHistory[cluster];
        return h.length == 0 ? bytes32(0) : h[h.length - 1];
    }

    /// @notice Every certificate of a cluster, oldest first (historyPage for long histories).
    function history(bytes32 cluster) external view returns (bytes32[] memory) {
        return clusterHistory[cluster];
    }

    function historyLength(bytes32 cluster) external view returns (uint256) {
        return clusterHistory[cluster].length;
    }

    /// @notice Up to `limit` certificates of a cluster from position `offset`, oldest first.
    function historyPage(bytes32 cluster, uint256 offset, uint256 limit) external view returns (bytes32[] memory page) {
        bytes32[] storage h = clusterHistory[cluster];
        if (offset >= h.length) return new bytes32[](0);
        uint256 end = h.length - offset < limit ? h.length : offset + limit;
        page = new bytes32[](end - offset);
        for (uint256 i = offset; i < end; i++) {
            page[i - offset] = h[i];
        }
    }
}
