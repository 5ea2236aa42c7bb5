# The chaincode server image: recfin's Python chaincode runtime and contracts, served as
# chaincode-as-a-service (`python -m chaincode --contract module:Class`). docker-compose.yaml
# builds it for each org's chaincode server; the peers run the official Fabric images.

# The base image by tag, which its publisher moves to each new patch release of Python and Debian. No digest is
# written here (the machines recfin is built on reach no registry to look one up): an operator pins it by passing
# the image as tag@digest, `--build-arg PYTHON_IMAGE=python:3.11-slim@sha256:...`, or as the chaincode services'
# build argument in a compose file of their own (docs/deployment.md, step 2).
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

WORKDIR /opt/recfin

# The chaincode server's own install step: the pip arguments the README gives for a host that runs
# only a chaincode server, into the image's Python here (on a host, into a venv); a unit test,
# tests/unit/network/test_compose.py, checks the two agree:
# chaincode/requirements.txt names what the server imports, at the versions pyproject.toml allows, and
# chaincode/constraints.txt the one version of each distribution installed, so every org's image built from
# this checkout runs the same packages, whenever it is built.
# The developer setup (scripts/install) adds the CLI's, the off-chain services' and the tests'
# packages, none of which the server loads.
COPY chaincode/requirements.txt chaincode/constraints.txt ./chaincode/
RUN python -m pip install --quiet --disable-pip-version-check --no-cache-dir -r chaincode/requirements.txt -c chaincode/constraints.txt

# The server is the chaincode package alone (it imports nothing else of recfin), run from here.
COPY chaincode ./chaincode
# COPY keeps the mode bits the files have in the checkout (root owns the copies): from a checkout made under a umask
# of 077 or 027 (folders 0700 or 0750, files 0600 or 0640) the server, run as recfin below, could not read its
# own code and would restart for ever. Every user may read it, none but root write it.
RUN chmod -R u=rwX,go=rX chaincode
ENV PYTHONPATH=/opt/recfin

# The server runs as the system user recfin. The container starts as root only for the entry point
# (chaincode/entrypoint.py): the mounted TLS key is readable by its owner on the host alone, whatever
# uid that is, so it copies the CHAINCODE_TLS_* files and the contract configuration (RECFIN_NETWORK_CONFIG)
# into a folder of recfin's (0700, copies 0600), names the copies in those variables, drops to recfin and
# runs the command.
RUN useradd --system --no-create-home --home-dir /opt/recfin recfin
ENV PYTHONUNBUFFERED=1
# CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS come from the environment (docker-compose.yaml).
ENTRYPOINT ["python", "-m", "chaincode.entrypoint", "--user", "recfin", "--"]
CMD ["python", "-m", "chaincode", "--contract", "chaincode.receivables:ReceivablesContract"]
