/*
 * state.c - workers-server's state file: restore the workspace from an
 * export at start, save a new export atomically at shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"

static void say_error(const char *what, const lw_error *e)
{
    fprintf(stderr, "workers-server: %s: %s (%s)\n", what, e->message,
            lw_result_name(e->code));
}

/* Read a whole file; NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1)) != NULL) {
        *len = fread(text, 1, (size_t)size, f);
        text[*len] = '\0';
    }
    fclose(f);
    return text;
}

/* A restored workspace must be the one the flags name, if they name one. */
static int check_identity(const server *s)
{
    const char *want = s->cfg.workspace_sid;

    if (want != NULL && strcmp(want, lw_workspace_sid(s->ws)) != 0) {
        fprintf(stderr, "workers-server: %s holds workspace %s, not %s\n",
                s->cfg.state_file, lw_workspace_sid(s->ws), want);
        return -1;
    }
    want = s->cfg.account_sid;
    if (want != NULL && strcmp(want, lw_workspace_account_sid(s->ws)) != 0) {
        fprintf(stderr, "workers-server: %s belongs to account %s, not %s\n",
                s->cfg.state_file, lw_workspace_account_sid(s->ws), want);
        return -1;
    }
    return 0;
}

/* The options carry this run's base URL (and cap, when given): import
 * lets them replace the saved ones, so links follow the server. */
static int restore(server *s, const lw_workspace_options *opts,
                   const char *text, size_t len)
{
    lw_error e;

    if (lw_workspace_import(opts, text, len, &s->ws, &e) != LW_OK) {
        say_error(s->cfg.state_file, &e);
        return -1;
    }
    return check_identity(s);
}

static int set_options(const server *s, lw_workspace_options *o)
{
    const server_config *c = &s->cfg;
    lw_result rc = LW_OK;

    if (c->account_sid != NULL)
        rc = lw_workspace_options_set_account_sid(o, c->account_sid,
                                                  strlen(c->account_sid));
    if (rc != LW_OK) {
        fprintf(stderr, "workers-server: bad --account-sid %s\n",
                c->account_sid);
        return -1;
    }
    if (c->workspace_sid != NULL)
        rc = lw_workspace_options_set_workspace_sid(o, c->workspace_sid,
                                                    strlen(c->workspace_sid));
    if (rc != LW_OK) {
        fprintf(stderr, "workers-server: bad --workspace-sid %s\n",
                c->workspace_sid);
        return -1;
    }
    if (lw_workspace_options_set_base_url(o, s->base_url,
                                          strlen(s->base_url)) != LW_OK) {
        fprintf(stderr, "workers-server: bad base URL %s\n", s->base_url);
        return -1;
    }
    if (c->worker_cap != 0)
        lw_workspace_options_set_worker_cap(o, c->worker_cap);
    return 0;
}

int state_open(server *s)
{
    lw_workspace_options *opts = NULL;
    char *text = NULL;
    size_t len = 0;
    lw_error e;
    int ret = -1;

    if (lw_workspace_options_create(NULL, &opts) != LW_OK) {
        fprintf(stderr, "workers-server: out of memory\n");
        return -1;
    }
    if (set_options(s, opts) != 0)
        goto done;

    if (s->cfg.state_file != NULL)
        text = read_file(s->cfg.state_file, &len);
    if (text == NULL && s->cfg.state_file != NULL && errno != ENOENT) {
        fprintf(stderr, "workers-server: cannot read %s: %s\n",
                s->cfg.state_file, strerror(errno));
        goto done;
    }

    if (text != NULL)
        ret = restore(s, opts, text, len);
    else if (lw_workspace_create(opts, &s->ws, &e) == LW_OK)
        ret = 0;
    else
        say_error("cannot create the workspace", &e);
done:
    free(text);
    lw_workspace_options_free(opts);
    return ret;
}

/* ---- saving -------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
    ssize_t w;

    while (n > 0) {
        w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync the directory holding path, so the rename itself is durable. */
static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int write_atomically(const char *path, const char *text, size_t len)
{
    char tmp[4200];
    int fd;

    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    if (write_all(fd, text, len) != 0 || write_all(fd, "\n", 1) != 0 ||
        fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    sync_dir(path);
    return 0;
}

int state_save(const server *s)
{
    char *text = NULL;
    size_t len = 0;
    lw_error e;
    int ret;

    if (s->cfg.state_file == NULL)
        return 0;
    if (lw_workspace_export(s->ws, &text, &len, &e) != LW_OK) {
        say_error("cannot export the workspace", &e);
        return -1;
    }
    ret = write_atomically(s->cfg.state_file, text, len);
    if (ret != 0)
        fprintf(stderr, "workers-server: cannot write %s: %s\n",
                s->cfg.state_file, strerror(errno));
    lw_free(lw_workspace_allocator(s->ws), text);
    return ret;
}
