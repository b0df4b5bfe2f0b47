#pragma once

#include "document.h"

#include "kb/knowledgebase.h"

#include <QFutureWatcher>
#include <QHash>
#include <QObject>

#include <functional>

namespace smtpscope::ui {

/// Opens files, folders and pasted text into Documents on the thread pool: reads with progress, detects
/// transcript or bounce by content, parses and classifies. Results reach the GUI thread queued, tagged with
/// the job id; a cancelled job's result is dropped.
class DocumentLoader : public QObject
{
    Q_OBJECT
public:
    /// Hooks a synchronous load calls while it works (both may be empty).
    struct Control
    {
        std::function<bool()> cancelled;
        /// done of total bytes read; total 0 while parsing (no figure known)
        std::function<void(qint64 done, qint64 total)> progress;
    };

    explicit DocumentLoader(std::shared_ptr<const core::KnowledgeBase> kb, QObject *parent = nullptr);
    ~DocumentLoader() override;

    /// Starts loading a file or folder; returns the job id.
    int openPath(const QString &path);
    /// Starts reading pasted or dropped text; returns the job id.
    int openText(const QByteArray &bytes, const QString &title);
    /// Stops a job: its result will not be delivered, cancelled() is emitted at once.
    void cancel(int id);
    bool isRunning(int id) const { return m_jobs.contains(id); }
    int runningCount() const { return int(m_jobs.size()); }

    /// Loads synchronously, on the calling thread (what the jobs run; also for tests and benchmarks).
    static DocumentPtr loadPath(
        const QString &path, const std::shared_ptr<const core::KnowledgeBase> &kb, const Control &control = {});
    static DocumentPtr loadText(QByteArray bytes, const QString &title,
        const std::shared_ptr<const core::KnowledgeBase> &kb, const Control &control = {});

Q_SIGNALS:
    /// @p permille of the input read, or -1 while parsing (no figure known).
    void progress(int id, int permille);
    void finished(int id, smtpscope::ui::DocumentPtr document);
    void cancelled(int id);

private:
    int start(std::function<DocumentPtr(const Control &)> work);

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    QHash<int, QFutureWatcher<DocumentPtr> *> m_jobs;
    int m_nextId = 1;
};

} // namespace smtpscope::ui
