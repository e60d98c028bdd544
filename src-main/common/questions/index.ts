export { factsFromAnswers, factsReadFor, questionsFor, type Answers, type MemberAnswer, type Question, type QuestionOption, type QuestionState } from './flow';
