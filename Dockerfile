# The chaincode server image: recfin's Python chaincode runtime and contracts, served as
# chaincode-as-a-service (`python -m chaincode --contract module:Class`). docker-compose.yaml
# builds it for each org's chaincode server; the peers run the official Fabric images.
FROM python:3.11-slim

WORKDIR /opt/recfin
COPY pyproject.toml README.md ./
COPY network ./network
COPY chaincode ./chaincode
COPY client ./client
COPY cli ./cli
COPY bench ./bench

# The project's one install step, exactly as scripts/install runs it (a unit test,
# tests/unit/network/test_compose.py, checks the two agree).
RUN python -m pip install --quiet --disable-pip-version-check -e '.[test]'

RUN useradd --system --no-create-home --home-dir /opt/recfin recfin
USER recfin
ENV PYTHONUNBUFFERED=1
# CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS come from the environment (docker-compose.yaml).
CMD ["python", "-m", "chaincode", "--contract", "chaincode.receivables:ReceivablesContract"]
