package demo

@Deprecated("use newWay()")
fun oldWay(): Int = 1

fun newWay(): Int = 2

fun legacy(): String {
    val xs = listOf<Any>("a") as List<String> // FAULT: unchecked cast
    return xs.joinToString() + oldWay() // FAULT: deprecated
}
