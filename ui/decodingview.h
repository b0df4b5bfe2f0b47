#pragma once

#include "reply/replydecoder.h"

#include <QTextBrowser>

namespace smtpscope::ui {

class HtmlBuilder;

/// Shows decoded replies as a readable document: the reply with its evidence highlighted, a badge for
/// the class, what every code means, the verdict and what to do.
class DecodingView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit DecodingView(QWidget *parent = nullptr);

    void setKnowledgeBase(std::shared_ptr<const core::KnowledgeBase> kb);
    /// The empty state: what to paste, with examples that emit exampleRequested() when clicked.
    void showHint();
    void showResult(const QList<core::Decoding> &decodings, const QList<core::ReplyIssue> &errors);
    /// A short plain-text note in place of a result ("This step has no reply.").
    void showNote(const QString &text);

    /// The examples offered by the empty state.
    static QStringList examples();

Q_SIGNALS:
    void exampleRequested(const QString &text);
    /// A reply code or enhanced status code was clicked ("550", "5.1.1").
    void codeRequested(const QString &code);

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();
    void renderHint(HtmlBuilder &html) const;
    void renderDecoding(HtmlBuilder &html, const core::Decoding &decoding) const;
    QString replyLinesHtml(const HtmlBuilder &html, const core::Decoding &decoding) const;
    void onAnchorClicked(const QUrl &url);

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    QList<core::Decoding> m_decodings;
    QList<core::ReplyIssue> m_errors;
    bool m_hint = true;
    QString m_note;
};

} // namespace smtpscope::ui
