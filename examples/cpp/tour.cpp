/*
 * tour.cpp - libworkers from C++17: the C headers as they are, with
 * std::unique_ptr deleters for ownership and an exception for failures.
 * Built by `make examples` as build/examples/cpp-tour.
 */
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <libworkers.h>

namespace {

/* A failed call, with the library's code and message. */
struct lw_failure : std::runtime_error {
    lw_result code;
    lw_failure(lw_result rc, const lw_error &e)
        : std::runtime_error(std::string(lw_result_name(rc)) + ": " +
                             e.message),
          code(rc) {}
};

void check(lw_result rc, const lw_error &e)
{
    if (rc != LW_OK)
        throw lw_failure(rc, e);
}

/* Owners: each handle type paired with the function that frees it. */
template <typename T, void (*Free)(T *)> struct deleter {
    void operator()(T *p) const { Free(p); }
};
using workspace_ptr =
    std::unique_ptr<lw_workspace, deleter<lw_workspace, lw_workspace_free>>;
using worker_ptr =
    std::unique_ptr<lw_worker, deleter<lw_worker, lw_worker_release>>;
using query_ptr = std::unique_ptr<lw_query, deleter<lw_query, lw_query_free>>;
using page_ptr = std::unique_ptr<lw_page, deleter<lw_page, lw_page_free>>;
using changes_ptr =
    std::unique_ptr<lw_worker_changes,
                    deleter<lw_worker_changes, lw_worker_changes_free>>;

workspace_ptr make_workspace()
{
    lw_workspace *ws = nullptr;
    lw_error e{};
    check(lw_workspace_create(nullptr, &ws, &e), e);
    return workspace_ptr(ws);
}

worker_ptr add_worker(lw_workspace *ws, std::string_view name,
                      std::string_view attrs)
{
    lw_worker *w = nullptr;
    lw_error e{};
    check(lw_worker_create(ws, name.data(), name.size(), attrs.data(),
                           attrs.size(), nullptr, 0, &w, &e), e);
    return worker_ptr(w);
}

/* Every worker the expression selects, following the page tokens. */
std::vector<worker_ptr> select(lw_workspace *ws, std::string_view expr)
{
    lw_query *raw = nullptr;
    lw_error e{};
    std::vector<worker_ptr> out;

    if (lw_query_create(ws, &raw) != LW_OK)
        throw std::bad_alloc();
    query_ptr q(raw);
    lw_query_set_target_workers(q.get(), expr.data(), expr.size());
    lw_query_set_page_size(q.get(), 2);
    for (;;) {
        lw_page *p = nullptr;
        check(lw_worker_list(ws, q.get(), &p, &e), e);
        page_ptr page(p);
        for (size_t i = 0; i < lw_page_count(p); i++)
            out.emplace_back(lw_worker_retain(lw_page_worker(p, i)));
        const char *next = lw_page_next_token(p);
        if (next == nullptr)
            return out;
        lw_query_set_page_token(q.get(), next, std::string(next).size());
    }
}

void rename(lw_workspace *ws, const lw_worker *w, std::string_view name,
            int64_t expected_version)
{
    lw_worker_changes *raw = nullptr;
    lw_error e{};

    if (lw_worker_changes_create(ws, &raw) != LW_OK)
        throw std::bad_alloc();
    changes_ptr c(raw);
    lw_worker_changes_set_friendly_name(c.get(), name.data(), name.size());
    lw_worker_changes_set_expected_version(c.get(), expected_version);
    check(lw_worker_update(ws, lw_worker_sid(w), LW_SID_LEN, c.get(),
                           nullptr, &e), e);
}

} // namespace

int main()
{
    try {
        workspace_ptr ws = make_workspace();
        std::vector<worker_ptr> team;
        team.push_back(add_worker(ws.get(), "Alice",
                                  R"({"skills":["support","sales"]})"));
        team.push_back(add_worker(ws.get(), "Bob", R"({"skills":["sales"]})"));
        team.push_back(add_worker(ws.get(), "Connie",
                                  R"({"skills":["support"]})"));

        std::printf("skills HAS 'support':\n");
        for (const worker_ptr &w : select(ws.get(), "skills HAS 'support'"))
            std::printf("  %s %s\n", lw_worker_sid(w.get()),
                        lw_worker_friendly_name(w.get()));

        rename(ws.get(), team[1].get(), "Robert", 0);
        try {
            rename(ws.get(), team[1].get(), "Bobby", 0);
        } catch (const lw_failure &f) {
            std::printf("refused as expected: %s\n", f.what());
            if (f.code != LW_ERR_PRECONDITION)
                return 1;
        }
        return 0;
    } catch (const std::exception &ex) {
        std::fprintf(stderr, "cpp-tour: %s\n", ex.what());
        return 1;
    }
}
