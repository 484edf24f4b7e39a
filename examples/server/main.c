/*
 * main.c - workers-server: serve one libworkers workspace over HTTP with
 * the Twilio TaskRouter wire format, so Twilio's SDKs can talk to it.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

static const char usage[] =
    "usage: workers-server [options]\n"
    "\n"
    "Serve one TaskRouter workspace (Workers, Activities, TaskQueues)\n"
    "over HTTP with Twilio's REST format.\n"
    "\n"
    "  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080;\n"
    "                         port 0 picks a free port)\n"
    "  --account-sid AC...    account SID (generated when absent)\n"
    "  --auth-token TOKEN     demand HTTP Basic auth: account SID + TOKEN\n"
    "  --workspace-sid WS...  workspace SID (generated when absent)\n"
    "  --base-url URL         base of the URLs in responses (default\n"
    "                         http://HOST:PORT from --listen)\n"
    "  --state FILE           restore the workspace from FILE at start and\n"
    "                         save it there on SIGINT/SIGTERM\n"
    "  --worker-cap N         most workers the workspace holds (1000)\n"
    "  --threads N            HTTP threads (default 4)\n"
    "  --help                 show this and exit\n"
    "\n"
    "Prints the address and SIDs at start, then one line per request:\n"
    "method, path, status, body bytes and microseconds.\n";

enum { OPT_LISTEN = 256, OPT_ACCOUNT, OPT_TOKEN, OPT_WORKSPACE, OPT_BASE,
       OPT_STATE, OPT_CAP, OPT_THREADS, OPT_HELP };

static const struct option long_options[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"account-sid", required_argument, NULL, OPT_ACCOUNT},
    {"auth-token", required_argument, NULL, OPT_TOKEN},
    {"workspace-sid", required_argument, NULL, OPT_WORKSPACE},
    {"base-url", required_argument, NULL, OPT_BASE},
    {"state", required_argument, NULL, OPT_STATE},
    {"worker-cap", required_argument, NULL, OPT_CAP},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* ---- command line -------------------------------------------------- */

/* Split "HOST:PORT" or "[V6]:PORT" in place. */
static int split_listen(char *arg, server_config *c)
{
    char *colon = strrchr(arg, ':');

    if (colon == NULL || colon[1] == '\0')
        return -1;
    *colon = '\0';
    c->port = colon + 1;
    c->host = arg;
    if (arg[0] == '[') {
        if (colon == arg + 1 || colon[-1] != ']')
            return -1;
        colon[-1] = '\0';
        c->host = arg + 1;
    }
    return c->host[0] ? 0 : -1;
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (*s < '0' || *s > '9' || *end != '\0' || v == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_option(int opt, char *arg, server_config *c)
{
    unsigned long v;

    switch (opt) {
    case OPT_LISTEN: return split_listen(arg, c);
    case OPT_ACCOUNT: c->account_sid = arg; return 0;
    case OPT_TOKEN: c->auth_token = arg; return 0;
    case OPT_WORKSPACE: c->workspace_sid = arg; return 0;
    case OPT_BASE: c->base_url = arg; return 0;
    case OPT_STATE: c->state_file = arg; return 0;
    case OPT_CAP:
        if (parse_count(arg, UINT32_MAX, &v) != 0)
            return -1;
        c->worker_cap = (uint32_t)v;
        return 0;
    case OPT_THREADS:
        if (parse_count(arg, 64, &v) != 0)
            return -1;
        c->threads = (unsigned)v;
        return 0;
    default: return -1;
    }
}

/* Returns 0 to run, 1 after --help, -1 on a bad command line. */
static int parse_args(int argc, char **argv, server_config *c)
{
    static char default_listen[] = "127.0.0.1:8080";
    int opt;

    split_listen(default_listen, c);
    c->threads = 4;
    while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        if (opt == OPT_HELP || opt == 'h') {
            fputs(usage, stdout);
            return 1;
        }
        if (opt == '?' || parse_option(opt, optarg, c) != 0) {
            if (opt != '?')
                fprintf(stderr, "workers-server: bad value for --%s: %s\n",
                        long_options[opt - OPT_LISTEN].name, optarg);
            fputs("try: workers-server --help\n", stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "workers-server: unexpected argument %s\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

/* ---- address ------------------------------------------------------- */

int server_listen(server *s)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    int fd = -1, one = 1, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(s->cfg.host, s->cfg.port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "workers-server: %s:%s: %s\n", s->cfg.host,
                s->cfg.port, gai_strerror(rc));
        return -1;
    }

    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
            listen(fd, 128) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0 || getsockname(fd, (struct sockaddr *)&bound, &blen) != 0) {
        perror("workers-server: cannot listen");
        return -1;
    }

    s->listen_fd = fd;
    if (bound.ss_family == AF_INET6)
        s->port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    else
        s->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    return 0;
}

/* The base URL: --base-url, or http://HOST:PORT with the bound port (a
 * wildcard address becomes the loopback one, which local clients reach). */
static void make_base_url(server *s)
{
    const char *host = s->cfg.host;

    if (s->cfg.base_url != NULL) {
        snprintf(s->base_url, sizeof s->base_url, "%s", s->cfg.base_url);
        return;
    }
    if (strcmp(host, "0.0.0.0") == 0)
        host = "127.0.0.1";
    else if (strcmp(host, "::") == 0)
        host = "::1";
    if (strchr(host, ':') != NULL)
        snprintf(s->base_url, sizeof s->base_url, "http://[%s]:%u", host,
                 (unsigned)s->port);
    else
        snprintf(s->base_url, sizeof s->base_url, "http://%s:%u", host,
                 (unsigned)s->port);
}

/* ---- the adapter --------------------------------------------------- */

static int rest_open(server *s)
{
    lw_rest_options o;
    lw_error e;

    memset(&o, 0, sizeof o);
    if (s->cfg.auth_token != NULL) {
        o.account_sid = lw_workspace_account_sid(s->ws);
        o.auth_token = s->cfg.auth_token;
    }
    if (lw_rest_create(&o, &s->rest, &e) != LW_OK ||
        lw_rest_attach(s->rest, s->ws, &e) != LW_OK) {
        fprintf(stderr, "workers-server: %s\n", e.message);
        return -1;
    }
    return 0;
}

static void print_banner(const server *s)
{
    printf("workers-server %s\n", lw_version());
    printf("listening on %s:%u\n", s->cfg.host, (unsigned)s->port);
    printf("base url     %s\n", s->base_url);
    printf("account      %s\n", lw_workspace_account_sid(s->ws));
    printf("workspace    %s\n", lw_workspace_sid(s->ws));
    printf("workers      %u\n", (unsigned)lw_workspace_worker_count(s->ws));
    printf("auth         %s\n", s->cfg.auth_token ? "basic" : "off");
    printf("state        %s\n", s->cfg.state_file ? s->cfg.state_file
                                                  : "(none)");
    fflush(stdout);
}

/* Block SIGINT and SIGTERM in every thread; main waits for them. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int run(server *s)
{
    sigset_t set;
    int sig = 0;

    block_signals(&set);
    if (server_listen(s) != 0)
        return -1;
    make_base_url(s);
    if (state_open(s) != 0 || rest_open(s) != 0 ||
        server_http_start(s) != 0) {
        if (s->daemon == NULL)
            close(s->listen_fd);
        return -1;
    }
    print_banner(s);

    sigwait(&set, &sig);
    server_http_stop(s);
    printf("stopping on %s\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    return state_save(s);
}

int main(int argc, char **argv)
{
    server s;
    int rc;

    memset(&s, 0, sizeof s);
    s.listen_fd = -1;
    rc = parse_args(argc, argv, &s.cfg);
    if (rc != 0)
        return rc > 0 ? 0 : 2;

    rc = run(&s);
    if (s.rest != NULL && s.ws != NULL)
        lw_rest_detach(s.rest, s.ws, NULL);
    lw_rest_destroy(s.rest);
    lw_workspace_free(s.ws);
    return rc == 0 ? 0 : 1;
}
