package demo

fun total(values: List<Int>): Int = values.sum()

fun main() {
    val n: Int = "text" // FAULT: type mismatch
    println(undefinedThing) // FAULT: unresolved reference
    println(total(listOf(1, 2)) + n)
}
