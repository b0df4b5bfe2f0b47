#pragma once

#include "transcript/transcriptparser.h"

#include <functional>
#include <memory>

namespace smtpscope::core {

/// Pairs client commands with server replies (a FIFO, so pipelined batches pair in order),
/// rebuilds multi-line replies, follows AUTH and DATA, and cuts the lines into sessions and steps.
/// Shared by every dialect: parsers only say who said what.
class ConversationBuilder
{
public:
    /// Builds the sessions; lines of kind Unknown are appended to @p unplaced.
    static QList<Session> build(const QList<ProtocolLine> &lines, QList<UnplacedLine> *unplaced);

    /// Splits a command line into an upper-case verb and its argument, redacting AUTH payloads.
    static void splitCommand(QStringView text, QString *verb, QString *argument);
    /// True for text that looks like a base64 credential or a tool's placeholder for one.
    static bool looksLikeCredential(const QString &text);
};

/// The builder fed one line at a time (what ConversationBuilder::build does for a whole list).
class ConversationAssembler
{
public:
    /// Lines of kind Unknown are appended to @p unplaced.
    explicit ConversationAssembler(QList<UnplacedLine> *unplaced);
    ~ConversationAssembler();
    ConversationAssembler(const ConversationAssembler &) = delete;
    ConversationAssembler &operator=(const ConversationAssembler &) = delete;

    void add(const ProtocolLine &line);
    /// Closes every session and returns them ordered by their first line (those not yet released).
    QList<Session> finish();

    /// Hands closed sessions (a log's `removed` message, a reused connection key) to @p sink in the order
    /// of finish(), as soon as no open session and no line still to come can start before them; finish()
    /// then releases the rest and returns nothing. Sessions wait for earlier ones in a buffer of at most
    /// @p maxWaiting: beyond it the earliest closed ones go out ahead of older sessions still open.
    void releaseTo(std::function<void(Session &&)> sink, qsizetype maxWaiting);
    /// Releases what can be, given that no line numbered below @p nextLine is still to come.
    void release(int nextLine);

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace smtpscope::core
