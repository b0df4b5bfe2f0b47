#pragma once

#include "reply/replydecoder.h"

#include <QTimer>
#include <QWidget>

class QLineEdit;
class QPlainTextEdit;
class QSplitter;

namespace smtpscope::ui {

class DecodingView;

/// "Decode a reply": paste reply lines, optionally say where they came from, and read what they mean.
/// Decoding takes microseconds, so it runs on the GUI thread, shortly after the user stops typing.
class DecodePane : public QWidget
{
    Q_OBJECT
public:
    explicit DecodePane(std::shared_ptr<const core::KnowledgeBase> kb, QWidget *parent = nullptr);

    QPlainTextEdit *input() const { return m_input; }
    QLineEdit *remoteHostEdit() const { return m_remoteHost; }
    QLineEdit *recipientDomainEdit() const { return m_recipientDomain; }
    DecodingView *resultView() const { return m_view; }
    QSplitter *splitter() const { return m_splitter; }

    /// The result as plain text, as shown.
    QString resultText() const;
    /// The replies decoded from the current input, in order.
    QList<core::Decoding> decodings() const { return m_decodings; }
    /// Lines that could not be read as part of a reply.
    QList<core::ReplyIssue> parseErrors() const { return m_errors; }

    /// Replaces the input and decodes it at once.
    void setReplyText(const QString &text);

public Q_SLOTS:
    void decodeNow();

Q_SIGNALS:
    /// The result was updated.
    void decoded();

private:
    void scheduleDecode();

    core::ReplyDecoder m_decoder;
    QPlainTextEdit *m_input = nullptr;
    QLineEdit *m_remoteHost = nullptr;
    QLineEdit *m_recipientDomain = nullptr;
    DecodingView *m_view = nullptr;
    QSplitter *m_splitter = nullptr;
    QTimer m_debounce;
    QList<core::Decoding> m_decodings;
    QList<core::ReplyIssue> m_errors;
};

} // namespace smtpscope::ui
