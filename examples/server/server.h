/*
 * server.h - workers-server: an HTTP host that serves one libworkers
 * workspace through the REST adapter on libmicrohttpd.
 */
#ifndef WORKERS_SERVER_H
#define WORKERS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <libworkers.h>

/* What the command line asks for. */
typedef struct server_config {
    const char *host;          /* --listen host part ("127.0.0.1") */
    const char *port;          /* --listen port part ("8080", "0") */
    const char *account_sid;   /* --account-sid, or NULL */
    const char *auth_token;    /* --auth-token, or NULL */
    const char *workspace_sid; /* --workspace-sid, or NULL */
    const char *base_url;      /* --base-url, or NULL: from --listen */
    const char *state_file;    /* --state, or NULL */
    unsigned threads;          /* --threads */
    uint32_t worker_cap;       /* --worker-cap, 0: the library's */
} server_config;

/* The running host. */
typedef struct server {
    server_config cfg;
    int listen_fd;
    uint16_t port;              /* the port actually bound */
    char base_url[300];         /* the base URL links are rendered with */
    lw_workspace *ws;
    lw_rest *rest;
    struct MHD_Daemon *daemon;
} server;

/* Bind and listen on cfg.host:cfg.port; fills listen_fd and port.
 * Returns 0, or -1 after printing why to stderr. */
int server_listen(server *s);

/* Start and stop the HTTP daemon on the bound socket.  Returns 0, or -1
 * after printing why. */
int server_http_start(server *s);
void server_http_stop(server *s);

/* Make the workspace: restored from the state file when it exists, new
 * otherwise.  Returns 0, or -1 after printing why. */
int state_open(server *s);

/* Save the workspace to the state file (temporary file, fsync, rename).
 * Returns 0, or -1 after printing why. */
int state_save(const server *s);

#endif /* WORKERS_SERVER_H */
