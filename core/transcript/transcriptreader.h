#pragma once

#include "transcript/transcriptparser.h"

#include <functional>

namespace smtpscope::core {

/// How well each dialect fits a sample, best first.
struct DialectScore
{
    QString dialect;
    int score = 0;
};

/// Reads SMTP transcripts and mail logs: strips wrappers, detects the dialect by content, runs its
/// parser and the shared conversation builder. Stateless and safe to use from several threads.
class TranscriptReader
{
public:
    /// Reads @p bytes; @p source names them in the result.
    static Transcript read(const QByteArray &bytes, const QString &source = {});
    /// Reads @p bytes a chunk of about @p chunkBytes at a time when their dialect reads line by line (large
    /// logs: swaks, postfix-log, postfix-debug), so that their lines never exist all at once; the result is
    /// that of reading them whole. Other input is read whole. read() does this for inputs from 8 MiB.
    static Transcript readInChunks(const QByteArray &bytes, const QString &source, qsizetype chunkBytes);
    /// Reads a file ("-" reads standard input); an unreadable file gives a transcript with an error.
    static Transcript readFile(const QString &path);

    /// Receives the sessions of a streamed read one at a time, with the dialect the input is read as.
    using SessionSink = std::function<void(const QString &dialect, Session &&session)>;
    /// Like readFile(), but hands the sessions to @p sink instead of returning them (the result's
    /// sessions stay empty), each as soon as it is complete: a large mail log's sessions never exist all
    /// at once, and a file is mapped and read a chunk at a time rather than loaded whole. The sessions come
    /// in the order of readFile() (by first line), except that a session still open while 10,000 sessions
    /// that started after it are complete (a message deferred to the end of the log) is handed over
    /// after them, once it completes.
    static Transcript readFile(const QString &path, const SessionSink &sink);
    /// Parses already stripped lines with the given dialect (or the detected one when empty).
    static Transcript parseLines(const QList<SourceLine> &lines, const QString &dialect, const QString &source = {});

    /// Every dialect's score for the first lines of @p lines, best first; empty when none fits.
    static QList<DialectScore> scores(const QList<SourceLine> &lines);
    /// The best dialect for @p lines, empty when the text is no transcript.
    static QString detect(const QList<SourceLine> &lines);

    /// All dialect parsers, in the order ties are decided.
    static const QList<const TranscriptParser *> &parsers();
    static const TranscriptParser *parser(const QString &id);
};

} // namespace smtpscope::core
