# onramp: the worker, the HTTP API and the migrations, one image (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH"

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 10001 --user-group onramp \
    && mkdir /app && chown onramp:onramp /app

WORKDIR /app
USER onramp

# Dependencies first, so a source change does not reinstall them.
COPY --chown=onramp:onramp pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# Then the project itself.
COPY --chown=onramp:onramp . .
RUN uv sync --frozen --no-dev

EXPOSE 8000
CMD ["onramp", "api"]
