#pragma once

#include "transcript/transcriptparser.h"

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
    static void splitCommand(const QString &text, QString *verb, QString *argument);
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
    /// Closes every session and returns them ordered by their first line.
    QList<Session> finish();

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace smtpscope::core
