"""Parses a Cairn certificate payload with the in-toto attestation reference implementation
(in-toto-attestation, protobuf bindings): strict JSON to the v1 Statement message, then validate()."""
import sys

from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.statement import Statement

with open(sys.argv[1], encoding="utf-8") as f:
    pb = json_format.Parse(f.read(), statement_pb2.Statement())
st = Statement.copy_from_pb(pb)
st.validate()
print("OK", pb.predicate_type, pb.subject[0].name, dict(pb.subject[0].digest))
