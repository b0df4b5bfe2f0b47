#pragma once

#include <QPersistentModelIndex>
#include <QTextBrowser>

namespace smtpscope::core {
struct Outcome;
}

namespace smtpscope::ui {

class CodeReferenceModel;
class HtmlBuilder;

/// Everything the knowledge base says about one entry of the code reference.
class CodeReferenceDetail : public QTextBrowser
{
    Q_OBJECT
public:
    explicit CodeReferenceDetail(CodeReferenceModel *model, QWidget *parent = nullptr);

    /// Shows the entry at @p index of the CodeReferenceModel; an invalid index shows a hint.
    void showEntry(const QModelIndex &index);

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();
    void renderReplyCode(HtmlBuilder &html) const;
    void renderEnhancedCode(HtmlBuilder &html) const;
    void renderRule(HtmlBuilder &html) const;
    void renderProvider(HtmlBuilder &html) const;
    void renderGroup(HtmlBuilder &html) const;
    void outcomeRows(HtmlBuilder &html, const core::Outcome &outcome, int replyClass) const;
    void onAnchorClicked(const QUrl &url);

    CodeReferenceModel *m_model;
    QPersistentModelIndex m_index;
};

} // namespace smtpscope::ui
