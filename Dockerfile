# The image of a conformance run (`refarch check` against AWS, one account or a whole
# Organization): the base install only, from the hashed lock, run as a non-root user.
# The manifests' CronJob (manifests/conformance/) and the organization workflow use it.
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
# The lock first: its layer is rebuilt only when the dependencies change.
COPY requirements/base.txt requirements/base.txt
RUN python -m venv /opt/refarch \
    && /opt/refarch/bin/pip install --no-cache-dir --disable-pip-version-check \
        --require-hashes -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY src ./src
# The build backend is pinned in the lock: nothing is downloaded without a hash.
RUN /opt/refarch/bin/pip install --no-cache-dir --disable-pip-version-check \
        --no-deps --no-build-isolation .

FROM python:3.11.11-slim-bookworm
RUN useradd --system --uid 10001 --user-group --no-create-home refarch
COPY --from=build /opt/refarch /opt/refarch
COPY architecture.yaml /work/architecture.yaml
ENV PATH=/opt/refarch/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /work
USER 10001:10001
ENTRYPOINT ["refarch"]
CMD ["check", "--help"]
