#include "documentloader.h"

#include "bounce/bouncedecoder.h"
#include "bounce/mboxreader.h"
#include "bounce/messageparser.h"
#include "bounce/messagesource.h"
#include "transcript/transcriptreader.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace smtpscope::ui {

using namespace smtpscope::core;

namespace {

constexpr qint64 chunkSize = 1 << 20;

bool isCancelled(const DocumentLoader::Control &control)
{
    return control.cancelled && control.cancelled();
}

void report(const DocumentLoader::Control &control, qint64 done, qint64 total)
{
    if (control.progress)
        control.progress(done, total);
}

std::shared_ptr<Document> failure(const QString &title, const QString &path, const QString &error)
{
    auto doc = std::make_shared<Document>();
    doc->kind = Document::Kind::Error;
    doc->title = title;
    doc->path = path;
    doc->error = error;
    return doc;
}

void readMessages(Document &doc, const std::shared_ptr<const KnowledgeBase> &kb, const DocumentLoader::Control &control)
{
    const BounceDecoder decoder(kb);
    QBuffer buffer(&doc.bytes);
    buffer.open(QIODevice::ReadOnly);
    MboxReader reader(&buffer);
    if (reader.startsLikeMbox()) {
        QByteArray bytes;
        int index = 0;
        // The reader decides where messages begin (a quoted "From " line is not a separator). A message holds
        // the lines after its From_ line, less the blank line before the next one: the next separator is
        // right after the message's lines or one further.
        const auto isFromLine = [&doc](int line) {
            const qsizetype at = doc.lineStarts.at(line - 1);
            return MboxReader::isFromLine(doc.bytes.constData() + at, doc.bytes.size() - at);
        };
        int fromLine = 1;
        while (reader.nextMessage(bytes) && !isCancelled(control)) {
            const int lines = int(bytes.count('\n')) + (bytes.isEmpty() || bytes.endsWith('\n') ? 0 : 1);
            int next = fromLine + lines + 1;
            if (next <= doc.lineCount() && !isFromLine(next))
                ++next;
            if (next > doc.lineCount() || !isFromLine(next))
                next = doc.lineCount() + 1; // the last message
            BounceMessage m;
            m.parsed = MessageParser::parse(bytes, doc.title, ++index);
            m.report = decoder.decode(m.parsed);
            m.firstLine = std::min(fromLine + 1, doc.lineCount());
            m.lastLine = next - 1;
            fromLine = next;
            doc.messages.append(std::move(m));
            report(control, reader.bytesRead(), doc.bytes.size());
        }
    } else {
        BounceMessage m;
        m.parsed = MessageParser::parse(doc.bytes, doc.title, 1);
        m.report = decoder.decode(m.parsed);
        m.firstLine = 1;
        m.lastLine = doc.lineCount();
        doc.messages.append(std::move(m));
    }
}

/// Detects what the bytes of @p doc are and reads them.
void analyse(Document &doc, const std::shared_ptr<const KnowledgeBase> &kb, const DocumentLoader::Control &control)
{
    doc.byteSize = doc.bytes.size();
    doc.lineStarts = indexLines(doc.bytes);
    report(control, doc.bytes.size(), 0);
    if (doc.bytes.trimmed().isEmpty()) {
        doc.kind = Document::Kind::Unrecognised;
        doc.error = QStringLiteral("Empty: there is nothing to read.");
        return;
    }
    if (sniffContent(doc.bytes.left(64 * 1024)) == ContentKind::Message) {
        doc.kind = Document::Kind::Bounce;
        readMessages(doc, kb, control);
        if (doc.bytes.size() <= Document::wholeSourceLimit)
            doc.sourceText = doc.lines(1, doc.lineCount());
        return;
    }
    doc.transcript = TranscriptReader::read(doc.bytes, doc.title);
    if (doc.transcript.isTranscript() && !doc.transcript.sessions.isEmpty()) {
        doc.kind = Document::Kind::Transcript;
        for (qsizetype i = 0; i < doc.transcript.sessions.size(); ++i) {
            for (const Step &step : std::as_const(doc.transcript.sessions.at(i).steps)) {
                if (step.kind == Step::Kind::Auth)
                    for (int line = step.firstLine; line <= step.lastLine; ++line)
                        doc.secretLines.append(line);
                const int replyClass = step.reply.code ? step.reply.replyClass() : step.reply.status.statusClass;
                if (doc.firstFailingSession < 0 && (replyClass == 4 || replyClass == 5))
                    doc.firstFailingSession = int(i);
            }
        }
        std::sort(doc.secretLines.begin(), doc.secretLines.end());
        doc.secretLines.erase(std::unique(doc.secretLines.begin(), doc.secretLines.end()), doc.secretLines.end());
        if (doc.bytes.size() <= Document::wholeSourceLimit)
            doc.sourceText = doc.lines(1, doc.lineCount());
        return;
    }
    doc.kind = Document::Kind::Unrecognised;
    if (doc.bytes.size() <= Document::wholeSourceLimit)
        doc.sourceText = doc.lines(1, doc.lineCount());
    // The transcript reader's own reason says why no dialect fits; the bounce side has only one reason.
    doc.error = QStringLiteral("Not a transcript or a bounce: no message header was found, and ")
        + (doc.transcript.error.isEmpty() ? QStringLiteral("no SMTP dialogue of a known dialect.")
                                          : doc.transcript.error + QLatin1Char('.'));
}

} // namespace

DocumentLoader::DocumentLoader(std::shared_ptr<const KnowledgeBase> kb, QObject *parent)
    : QObject(parent)
    , m_kb(std::move(kb))
{
    qRegisterMetaType<DocumentPtr>();
}

DocumentLoader::~DocumentLoader()
{
    // The jobs hold no pointer to this object, but waiting keeps the thread pool from outliving the window's data.
    for (QFutureWatcher<DocumentPtr> *watcher : std::as_const(m_jobs)) {
        watcher->disconnect(this);
        watcher->cancel();
    }
    for (QFutureWatcher<DocumentPtr> *watcher : std::as_const(m_jobs))
        watcher->waitForFinished();
}

int DocumentLoader::openPath(const QString &path)
{
    const auto kb = m_kb;
    return start([path, kb](const Control &control) { return loadPath(path, kb, control); });
}

int DocumentLoader::openText(const QByteArray &bytes, const QString &title)
{
    const auto kb = m_kb;
    return start([bytes, title, kb](const Control &control) { return loadText(bytes, title, kb, control); });
}

int DocumentLoader::start(std::function<DocumentPtr(const Control &)> work)
{
    const int id = m_nextId++;
    auto *watcher = new QFutureWatcher<DocumentPtr>(this);
    m_jobs.insert(id, watcher);
    connect(watcher, &QFutureWatcher<DocumentPtr>::progressValueChanged, this, [this, id, watcher](int value) {
        if (watcher->progressMaximum() > 0)
            Q_EMIT progress(id, value);
    });
    connect(watcher, &QFutureWatcher<DocumentPtr>::progressRangeChanged, this, [this, id](int, int maximum) {
        if (maximum == 0)
            Q_EMIT progress(id, -1);
    });
    connect(watcher, &QFutureWatcher<DocumentPtr>::finished, this, [this, id, watcher] {
        if (m_jobs.take(id) != watcher)
            return; // cancelled: already reported
        watcher->deleteLater();
        if (watcher->isCanceled() || watcher->future().resultCount() == 0) {
            Q_EMIT cancelled(id);
            return;
        }
        Q_EMIT finished(id, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([work = std::move(work)](QPromise<DocumentPtr> &promise) {
        promise.setProgressRange(0, 1000);
        Control control;
        control.cancelled = [&promise] { return promise.isCanceled(); };
        bool indeterminate = false;
        control.progress = [&promise, &indeterminate](qint64 done, qint64 total) {
            if (total <= 0) {
                if (!indeterminate)
                    promise.setProgressRange(0, 0);
                indeterminate = true;
                return;
            }
            if (indeterminate)
                promise.setProgressRange(0, 1000);
            indeterminate = false;
            promise.setProgressValue(int(std::min<qint64>(1000, done * 1000 / total)));
        };
        DocumentPtr doc = work(control);
        if (!promise.isCanceled())
            promise.addResult(std::move(doc));
    }));
    return id;
}

void DocumentLoader::cancel(int id)
{
    QFutureWatcher<DocumentPtr> *watcher = m_jobs.take(id);
    if (!watcher)
        return;
    watcher->disconnect(this);
    watcher->cancel();
    // Delete once the worker is done with the promise; a parse cannot be interrupted, only dropped.
    connect(watcher, &QFutureWatcher<DocumentPtr>::finished, watcher, &QObject::deleteLater);
    if (watcher->isFinished())
        watcher->deleteLater();
    Q_EMIT cancelled(id);
}

namespace {

std::shared_ptr<Document> readPath(
    const QString &path, const std::shared_ptr<const KnowledgeBase> &kb, const DocumentLoader::Control &control)
{
    const QFileInfo info(path);
    const QString title = info.fileName().isEmpty() ? path : info.fileName();
    if (!info.exists())
        return failure(title, path, QStringLiteral("Cannot open: no such file or folder."));
    if (info.isDir()) {
        auto doc = std::make_shared<Document>();
        doc->kind = Document::Kind::Bounce;
        doc->title = title + QLatin1Char('/');
        doc->path = path;
        const int total = int(MessageSource::listFolder(path).size());
        MessageSource source({ path });
        const BounceDecoder decoder(kb);
        RawMessage raw;
        int count = 0;
        while (!isCancelled(control) && source.next(raw)) {
            BounceMessage m;
            m.parsed = MessageParser::parse(raw);
            m.report = decoder.decode(m.parsed);
            if (!raw.note.isEmpty() && m.report.note.isEmpty())
                m.report.note = raw.note;
            m.lastLine = -1; // no text of its own in the document
            doc->byteSize += m.parsed.byteSize;
            doc->messages.append(std::move(m));
            report(control, ++count, std::max(total, count));
        }
        if (doc->messages.isEmpty()) {
            doc->kind = Document::Kind::Unrecognised;
            doc->error = QStringLiteral("This folder holds no messages.");
        }
        return doc;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(title, path, QStringLiteral("Cannot read: %1.").arg(file.errorString()));
    QByteArray bytes;
    const qint64 size = file.size();
    if (size > 0)
        bytes.reserve(size);
    while (!file.atEnd()) {
        if (isCancelled(control))
            return failure(title, path, QStringLiteral("Cancelled."));
        const QByteArray chunk = file.read(chunkSize);
        if (chunk.isEmpty() && file.error() != QFileDevice::NoError)
            return failure(title, path, QStringLiteral("Cannot read: %1.").arg(file.errorString()));
        if (chunk.isEmpty())
            break;
        bytes += chunk;
        report(control, bytes.size(), std::max(size, qint64(bytes.size())));
    }
    if (file.error() != QFileDevice::NoError)
        return failure(title, path, QStringLiteral("Cannot read: %1.").arg(file.errorString()));
    auto doc = std::make_shared<Document>();
    doc->title = title;
    doc->path = path;
    doc->bytes = std::move(bytes);
    analyse(*doc, kb, control);
    return doc;
}

} // namespace

DocumentPtr DocumentLoader::loadPath(
    const QString &path, const std::shared_ptr<const KnowledgeBase> &kb, const Control &control)
{
    std::shared_ptr<Document> doc = readPath(path, kb, control);
    doc->cachedSummary = doc->summary();
    return doc;
}

DocumentPtr DocumentLoader::loadText(
    QByteArray bytes, const QString &title, const std::shared_ptr<const KnowledgeBase> &kb, const Control &control)
{
    auto doc = std::make_shared<Document>();
    doc->title = title;
    doc->bytes = std::move(bytes);
    analyse(*doc, kb, control);
    doc->cachedSummary = doc->summary();
    return doc;
}

} // namespace smtpscope::ui
