# nginx from Debian's package, for scripts/container-test.sh: Docker Hub (and so the official
# nginx image) is out of reach where the test runs. Laid out as the official image is for
# deploy/compose.yaml: conf.d/default.conf is the site, logs go to stdout and stderr, curl is
# there for the health check.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light curl \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 8443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
